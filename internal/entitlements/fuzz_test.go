package entitlements

import (
	"testing"

	"github.com/essaylab/teacher-bff/internal/upstream/upstreamtest"
)

// decodeBalance faces whatever Entitlements sends: it must never panic.
// Seeds live in testdata/fuzz/FuzzDecodeBalance/.
func FuzzDecodeBalance(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := decodeBalance(data)
		if err == nil && b.OrgID != nil && *b.OrgID == "" {
			t.Errorf("empty org id accepted: %+v", b)
		}
	})
}

func TestSeedsAreWhatTheirNamesSay(t *testing.T) {
	for _, s := range upstreamtest.Seeds(t, "FuzzDecodeBalance") {
		if _, err := decodeBalance([]byte(s.Args[0])); (err == nil) != s.Valid() {
			t.Errorf("%s: decode error = %v", s.Name, err)
		}
	}
}
