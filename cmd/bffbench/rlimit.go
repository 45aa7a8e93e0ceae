package main

import (
	"fmt"
	"io"
	"syscall"
)

// wantFiles is enough descriptors for 90k subscriptions and their upstream
// connections in one process.
const wantFiles = 100_000

// raiseFileLimit raises RLIMIT_NOFILE, the hard limit too where the tool
// may (root with CAP_SYS_RESOURCE), else up to the hard limit, so that tens
// of thousands of WebSocket connections fit; the servers the tool starts
// inherit it.
func raiseFileLimit(log io.Writer) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil || lim.Cur >= wantFiles {
		return
	}
	want := syscall.Rlimit{Cur: wantFiles, Max: max(lim.Max, wantFiles)}
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &want); err == nil {
		return
	}
	want = syscall.Rlimit{Cur: lim.Max, Max: lim.Max}
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &want); err != nil {
		fmt.Fprintf(log, "bffbench: cannot raise the open-file limit from %d: %v\n", lim.Cur, err)
	}
}

// fileLimit is the open-file limit in force.
func fileLimit() int {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0
	}
	return int(min(lim.Cur, 1<<30))
}
