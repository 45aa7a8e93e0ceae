package bench

import (
	"os"
	"testing"
	"time"
)

func TestSummarizeNearestRank(t *testing.T) {
	var s []time.Duration
	for i := 100; i >= 1; i-- { // unsorted on purpose
		s = append(s, time.Duration(i)*time.Millisecond)
	}
	got := Summarize(s)
	want := Summary{Count: 100, Mean: 50.5, P50: 50, P95: 95, P99: 99, Max: 100}
	if got != want {
		t.Fatalf("Summarize = %+v, want %+v", got, want)
	}
	if (Summarize(nil) != Summary{}) {
		t.Fatal("an empty set has a zero summary")
	}
}

func TestCompletedOfReadsTheSequenceNumber(t *testing.T) {
	frame := []byte(`{"id":"1","type":"next","payload":{"data":{"batchStatusChanged":{"id":"x","completedEssays":4711,"failedEssays":0}}}}`)
	if n, ok := completedOf(frame); !ok || n != 4711 {
		t.Fatalf("completedOf = %d, %v", n, ok)
	}
	if _, ok := completedOf([]byte(`{"type":"ping"}`)); ok {
		t.Fatal("a frame without completedEssays has no sequence number")
	}
}

func TestReadProcOfThisProcess(t *testing.T) {
	ps, err := ReadProc(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if ps.RSS <= 0 || ps.PeakRSS < ps.RSS {
		t.Fatalf("RSS %d, peak %d", ps.RSS, ps.PeakRSS)
	}
	if _, err := MachineBusy(); err != nil {
		t.Fatal(err)
	}
}
