package cms

import (
	"strings"
	"testing"

	"github.com/essaylab/teacher-bff/internal/upstream/upstreamtest"
)

// The decoders face whatever CMS sends: they must never panic, and an
// accepted answer has exactly the requested ids as keys. The second
// argument is the requested ids, comma-joined as on the wire. Seeds live in
// testdata/fuzz/<FuzzName>/.

func FuzzDecodeClassInfo(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte, idList string) {
		ids, err := uniqueIDs(strings.Split(idList, ","))
		if err != nil {
			return
		}
		got, err := decodeClassInfo(data, ids)
		if err != nil {
			return
		}
		checkKeys(t, got, ids)
		for id, ci := range got {
			if ci != nil && ci.ClassID == "" {
				t.Errorf("%s: class without id accepted", id)
			}
		}
	})
}

func FuzzDecodeValidationStatus(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte, idList string) {
		ids, err := uniqueIDs(strings.Split(idList, ","))
		if err != nil {
			return
		}
		got, err := decodeValidationStatus(data, ids)
		if err != nil {
			return
		}
		checkKeys(t, got, ids)
		for id, v := range got {
			if v != nil && (v.BatchID != id || v.DeviationCount < 0 || v.TotalAssociations < 0 || v.ConfirmedAssociations < 0) {
				t.Errorf("%s: bad entry accepted: %+v", id, v)
			}
		}
	})
}

func checkKeys[T any](t *testing.T, got map[string]*T, ids []string) {
	t.Helper()
	if len(got) != len(ids) {
		t.Errorf("%d keys for %d ids", len(got), len(ids))
	}
	for _, id := range ids {
		if _, ok := got[id]; !ok {
			t.Errorf("requested id %q missing from the result", id)
		}
	}
}

func TestSeedsAreWhatTheirNamesSay(t *testing.T) {
	decoders := map[string]func([]byte, []string) error{
		"FuzzDecodeClassInfo":        func(b []byte, ids []string) error { _, err := decodeClassInfo(b, ids); return err },
		"FuzzDecodeValidationStatus": func(b []byte, ids []string) error { _, err := decodeValidationStatus(b, ids); return err },
	}
	for fuzz, decode := range decoders {
		for _, s := range upstreamtest.Seeds(t, fuzz) {
			ids, err := uniqueIDs(strings.Split(s.Args[1], ","))
			if err != nil {
				t.Fatalf("%s/%s: ids: %v", fuzz, s.Name, err)
			}
			if err := decode([]byte(s.Args[0]), ids); (err == nil) != s.Valid() {
				t.Errorf("%s/%s: decode error = %v", fuzz, s.Name, err)
			}
		}
	}
}
