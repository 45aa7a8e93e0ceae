package ras

import (
	"testing"

	"github.com/essaylab/teacher-bff/internal/batchstatus"
	"github.com/essaylab/teacher-bff/internal/upstream/upstreamtest"
)

// The decoders face whatever an upstream sends: they must never panic, and
// whatever they accept must honour the guarantees Batch documents. Seeds
// live in testdata/fuzz/<FuzzName>/.

func FuzzDecodeBatchPage(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := decodeBatchPage(data)
		if err != nil {
			return
		}
		if p.Limit < 0 || p.Offset < 0 || p.Total < 0 {
			t.Errorf("negative pagination accepted: %+v", p)
		}
		for _, b := range p.Batches {
			checkBatch(t, &b)
		}
	})
}

func FuzzDecodeBatchStatus(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := decodeBatchStatus(data)
		if err != nil {
			return
		}
		checkBatch(t, b)
		if b.Essays == nil {
			t.Error("accepted a batch without essays")
		}
		for _, e := range b.Essays {
			if e.ID == "" || (e.CJRank != nil && *e.CJRank < 0) {
				t.Errorf("bad essay accepted: %+v", e)
			}
		}
	})
}

func checkBatch(t *testing.T, b *Batch) {
	t.Helper()
	if b.ID == "" || b.UserID == "" || b.Title == "" {
		t.Errorf("batch without id, user or title accepted: %+v", b)
	}
	if c, ok := batchstatus.ToClient(b.Status); !ok || c != b.ClientStatus {
		t.Errorf("status %q mapped to %q", b.Status, b.ClientStatus)
	}
	if b.Phase != "" && (b.Status != batchstatus.ProcessingPipelines || !batchstatus.ValidPhase(b.Phase)) {
		t.Errorf("phase %q shown in status %q", b.Phase, b.Status)
	}
	if b.EssayCount < 0 || b.CompletedEssayCount < 0 || b.FailedEssayCount < 0 {
		t.Errorf("negative count accepted: %+v", b)
	}
}

func TestSeedsAreWhatTheirNamesSay(t *testing.T) {
	decoders := map[string]func([]byte) error{
		"FuzzDecodeBatchPage":   func(b []byte) error { _, err := decodeBatchPage(b); return err },
		"FuzzDecodeBatchStatus": func(b []byte) error { _, err := decodeBatchStatus(b); return err },
	}
	for fuzz, decode := range decoders {
		for _, s := range upstreamtest.Seeds(t, fuzz) {
			if err := decode([]byte(s.Args[0])); (err == nil) != s.Valid() {
				t.Errorf("%s/%s: decode error = %v", fuzz, s.Name, err)
			}
		}
	}
}
