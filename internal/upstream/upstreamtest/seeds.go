package upstreamtest

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Seed is one file of a fuzz target's committed corpus.
type Seed struct {
	Name string   // file name: "valid-…" seeds must decode, "invalid-…" ones must not
	Args []string // the values, []byte and string alike, in order
}

// Valid reports whether the seed is named as one that must decode.
func (s Seed) Valid() bool { return strings.HasPrefix(s.Name, "valid") }

// Seeds reads testdata/fuzz/<fuzzName>/, so ordinary tests can check that
// every seed is what its name claims (a "valid" seed that the decoder
// rejects would leave the fuzzer without a good starting point).
func Seeds(t testing.TB, fuzzName string) []Seed {
	t.Helper()
	dir := filepath.Join("testdata", "fuzz", fuzzName)
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) == 0 {
		t.Fatalf("no seed corpus in %s: %v", dir, err)
	}
	var seeds []Seed
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(string(data)), "\n")
		if lines[0] != "go test fuzz v1" {
			t.Fatalf("%s: not a corpus file", e.Name())
		}
		s := Seed{Name: e.Name()}
		for _, l := range lines[1:] {
			lit := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(l, "[]byte("), "string("), ")")
			v, err := strconv.Unquote(lit)
			if err != nil {
				t.Fatalf("%s: %q: %v", e.Name(), l, err)
			}
			s.Args = append(s.Args, v)
		}
		seeds = append(seeds, s)
	}
	return seeds
}
