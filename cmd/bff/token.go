package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/essaylab/teacher-bff/internal/auth"
	"github.com/essaylab/teacher-bff/internal/config"
)

// runToken is `bff token`: it prints a teacher token signed with
// BFF_JWT_SECRET, with the audience, issuer and organisation claim the BFF
// checks (BFF_JWT_AUDIENCE, BFF_JWT_ISSUER, BFF_JWT_ORG_CLAIM; -aud and -iss
// override the first two). It is for development and tests against a BFF
// one runs oneself; real teachers get their tokens from the platform's login.
//
//	BFF_JWT_SECRET=... go run ./cmd/bff token -sub teacher-1 -org org-7 -ttl 12h
func runToken(args []string, stdout, stderr io.Writer) error {
	// Only the token settings matter here: read the environment as the demo
	// does, so the upstream settings need not be set.
	cfg, err := config.FromEnv(true)
	if err != nil {
		return err
	}
	flags := flag.NewFlagSet("bff token", flag.ContinueOnError)
	flags.SetOutput(stderr)
	sub := flags.String("sub", "", "teacher id (the token's sub), e.g. teacher-1; required")
	org := flags.String("org", "", "organisation id, put in the "+cfg.JWTOrgClaim+" claim (BFF_JWT_ORG_CLAIM); empty: none")
	aud := flags.String("aud", cfg.JWTAudience, "aud claim (default: BFF_JWT_AUDIENCE)")
	iss := flags.String("iss", cfg.JWTIssuer, "iss claim (default: BFF_JWT_ISSUER)")
	ttl := flags.Duration("ttl", 12*time.Hour, "lifetime: exp is now plus this")
	usage := func(w io.Writer) {
		fmt.Fprintln(w, "Usage: bff token -sub ID [-org ID] [-aud AUD] [-iss ISS] [-ttl 12h]\n\nPrints a teacher token signed with BFF_JWT_SECRET.\n\nFlags:")
		flags.SetOutput(w)
		flags.PrintDefaults()
	}
	flags.Usage = func() {}
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage(stdout)
			return nil
		}
		usage(stderr)
		return fmt.Errorf("token: %w", err)
	}
	switch {
	case cfg.JWTSecret == "":
		return errors.New("token: BFF_JWT_SECRET is not set: set it to the secret of the BFF the token is for")
	case *sub == "":
		return errors.New("token: -sub (the teacher id) is required")
	}
	a, err := auth.New(auth.Config{Secret: []byte(cfg.JWTSecret), Audience: *aud, Issuer: *iss, OrgClaim: cfg.JWTOrgClaim})
	if err != nil {
		return fmt.Errorf("token: %w", err)
	}
	token, err := a.Issue(auth.Teacher{ID: *sub, OrgID: *org}, *ttl)
	if err != nil {
		return fmt.Errorf("token: %w", err)
	}
	_, err = fmt.Fprintln(stdout, token)
	return err
}
