package deploy_test

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/essaylab/teacher-bff/internal/devstack"
	"github.com/essaylab/teacher-bff/internal/testenv"
)

// promtool checks the alerting rules and runs their unit tests
// (prometheus/alerts_test.yaml). CI installs it (.ci/run); elsewhere the
// test says how to get it.
func TestPrometheusRules(t *testing.T) {
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("promtool is required in CI (Debian: apt-get install prometheus): %v", err)
		}
		t.Skipf("promtool is not installed (Debian: apt-get install --no-install-recommends prometheus): %v", err)
	}
	for _, args := range [][]string{
		{"check", "rules", "alerts.yaml"},
		{"test", "rules", "alerts_test.yaml"},
	} {
		cmd := exec.Command(promtool, args...)
		cmd.Dir = "prometheus"
		out, err := cmd.CombinedOutput()
		assert.NoError(t, err, "promtool %s:\n%s", strings.Join(args, " "), out)
	}
}

// Every metric and label the rules name is one the BFF exports: a renamed
// metric fails here, not silently in production.
func TestAlertsUseExportedMetrics(t *testing.T) {
	env := testenv.Start(t)
	resp := env.Do(t, testenv.Request{
		Query: `{ viewer { id batches(limit: 1) { totalCount } } }`,
		Token: env.Token(t, devstack.TeacherWithOrg),
	}, nil)
	require.Empty(t, resp.Errors)
	families, err := env.App.Metrics.Registry().Gather()
	require.NoError(t, err)
	exported := map[string]map[string]bool{} // series name -> label names
	for _, f := range families {
		names := []string{f.GetName()}
		if f.GetType().String() == "HISTOGRAM" {
			names = []string{f.GetName() + "_bucket", f.GetName() + "_count", f.GetName() + "_sum"}
		}
		for _, n := range names {
			exported[n] = map[string]bool{}
			for _, m := range f.GetMetric() {
				for _, l := range m.GetLabel() {
					exported[n][l.GetName()] = true
				}
			}
			if strings.HasSuffix(n, "_bucket") {
				exported[n]["le"] = true
			}
		}
	}

	rules, err := os.ReadFile("prometheus/alerts.yaml")
	require.NoError(t, err)
	selector := regexp.MustCompile(`(bff_[a-z_]+)(\{([^}]*)\})?`)
	matcher := regexp.MustCompile(`([a-z_]+)\s*(=~|!~|!=|=)`)
	seen := 0
	for _, line := range strings.Split(string(rules), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		for _, m := range selector.FindAllStringSubmatch(line, -1) {
			seen++
			labels, ok := exported[m[1]]
			if !assert.True(t, ok, "%s is exported by the BFF", m[1]) {
				continue
			}
			for _, lm := range matcher.FindAllStringSubmatch(m[3], -1) {
				assert.True(t, labels[lm[1]], "%s has the label %s", m[1], lm[1])
			}
		}
	}
	assert.Greater(t, seen, 8, "the rules were read")
}
