package auth

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewRejectsBadConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want []string // every problem is reported at once
	}{
		{"no secret", Config{}, []string{"Secret is required"}},
		{"negative leeway", Config{Secret: testSecret, Leeway: -time.Second}, []string{"Leeway"}},
		{"org claim reuses sub", Config{Secret: testSecret, OrgClaim: "sub"}, []string{`OrgClaim "sub"`}},
		{"several problems", Config{Leeway: -1, OrgClaim: "exp"}, []string{"Secret is required", "Leeway", `OrgClaim "exp"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := New(tc.cfg)
			require.Error(t, err)
			assert.Nil(t, a)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

func TestNewCopiesSecret(t *testing.T) {
	secret := append([]byte(nil), testSecret...)
	a, err := New(Config{Secret: secret, Now: clock})
	require.NoError(t, err)
	tok := hs256(t, claims(nil))

	secret[0] ^= 0xff // the caller reuses its buffer
	got, err := a.Verify(tok)
	require.NoError(t, err)
	assert.Equal(t, "teacher-1", got.ID)
}

func TestDefaults(t *testing.T) {
	a, err := New(Config{Secret: testSecret})
	require.NoError(t, err)
	assert.Equal(t, DefaultOrgClaim, a.cfg.OrgClaim)
	assert.Equal(t, DefaultLeeway, a.cfg.Leeway)
	assert.False(t, a.TrustsGateway())
	// Default clock is the real one: a token issued now verifies now.
	tok, err := a.Issue(Teacher{ID: "teacher-1"}, time.Minute)
	require.NoError(t, err)
	got, err := a.Verify(tok)
	require.NoError(t, err)
	assert.WithinDuration(t, time.Now().Add(time.Minute), got.ExpiresAt, 2*time.Second)
}

func TestPrintingNeverShowsSecret(t *testing.T) {
	cfg := Config{Secret: testSecret, Audience: "teacher-bff"}
	a, err := New(cfg)
	require.NoError(t, err)
	for _, s := range []string{
		fmt.Sprint(cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%v", &cfg),
		fmt.Sprint(a), fmt.Sprintf("%+v", a), a.String(),
	} {
		assert.NotContains(t, s, string(testSecret))
		assert.Contains(t, s, "teacher-bff")
	}
}
