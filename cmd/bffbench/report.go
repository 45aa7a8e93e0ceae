package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
)

// report prints the targets' verdicts on stderr and the JSON result on
// stdout (and in -out).
func (b *bffbench) report(res *result, stdout io.Writer) error {
	if len(res.Targets) > 0 {
		b.notef("\ntargets:")
		for _, t := range res.Targets {
			verdict := "MET   "
			if !t.Met {
				verdict = "MISSED"
			}
			b.notef("  %s  %s\n            measured: %s", verdict, t.Target, t.Measured)
		}
	}
	out, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	out = append(out, '\n')
	if b.cfg.out != "" {
		if err := os.WriteFile(b.cfg.out, out, 0o644); err != nil {
			return fmt.Errorf("-out: %w", err)
		}
	}
	_, err = stdout.Write(out)
	return err
}
