package deploy_test

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/yaml"

	"github.com/essaylab/teacher-bff/internal/config"
	"github.com/essaylab/teacher-bff/internal/gctune"
)

// manifests are the objects of deploy/kubernetes, by kind.
type manifests struct {
	deployment *appsv1.Deployment
	service    *corev1.Service
	configMap  *corev1.ConfigMap
	secret     *corev1.Secret
	pdb        *policyv1.PodDisruptionBudget
}

// readManifests decodes every document of every file in deploy/kubernetes
// strictly into its Kubernetes API type: a misspelt or misplaced field (one
// kubectl would drop or refuse) fails the test.
func readManifests(t *testing.T) manifests {
	t.Helper()
	files, err := filepath.Glob("kubernetes/*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	var m manifests
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		for i, doc := range bytes.Split(b, []byte("\n---\n")) {
			var tm metav1.TypeMeta
			require.NoError(t, yaml.Unmarshal(doc, &tm), "%s #%d", f, i)
			var obj any
			switch tm.APIVersion + " " + tm.Kind {
			case "apps/v1 Deployment":
				m.deployment = &appsv1.Deployment{}
				obj = m.deployment
			case "v1 Service":
				m.service = &corev1.Service{}
				obj = m.service
			case "v1 ConfigMap":
				m.configMap = &corev1.ConfigMap{}
				obj = m.configMap
			case "v1 Secret":
				m.secret = &corev1.Secret{}
				obj = m.secret
			case "policy/v1 PodDisruptionBudget":
				m.pdb = &policyv1.PodDisruptionBudget{}
				obj = m.pdb
			default:
				t.Fatalf("%s #%d: unexpected kind %s %s", f, i, tm.APIVersion, tm.Kind)
			}
			require.NoError(t, yaml.UnmarshalStrict(doc, obj), "%s #%d decodes strictly", f, i)
		}
	}
	require.NotNil(t, m.deployment, "a Deployment")
	require.NotNil(t, m.service, "a Service")
	require.NotNil(t, m.configMap, "a ConfigMap")
	require.NotNil(t, m.secret, "a Secret")
	require.NotNil(t, m.pdb, "a PodDisruptionBudget")
	return m
}

// The strict decoder refuses what kubectl would not apply as written.
func TestManifestDecodingIsStrict(t *testing.T) {
	var d appsv1.Deployment
	err := yaml.UnmarshalStrict([]byte("apiVersion: apps/v1\nkind: Deployment\nspec:\n  replica: 2\n"), &d)
	assert.ErrorContains(t, err, `unknown field "replica"`)
}

// The manifests run the BFF as its defaults, its settings and its image
// expect: settings from the ConfigMap (secrets from the Secret) that the BFF
// accepts, probes on /healthz and /readyz of the API port, the metrics port
// scraped, a shutdown the grace period covers, and the security context of
// the image.
func TestKubernetesManifests(t *testing.T) {
	m := readManifests(t)
	pod := m.deployment.Spec.Template.Spec
	require.Len(t, pod.Containers, 1)
	c := pod.Containers[0]

	// Settings: the ConfigMap holds settings, the Secret the secret ones,
	// and together they are a configuration the BFF accepts.
	secretNames := map[string]bool{}
	for _, s := range config.Settings {
		secretNames[s.Name] = s.Secret
	}
	env := map[string]string{}
	for k, v := range m.configMap.Data {
		isSecret, known := secretNames[k]
		assert.True(t, known, "ConfigMap: %s is a setting of the BFF", k)
		assert.False(t, isSecret, "ConfigMap: %s is a secret: it belongs in the Secret", k)
		env[k] = v
	}
	for k := range m.secret.StringData {
		assert.True(t, secretNames[k], "Secret: %s is a secret setting of the BFF", k)
		env[k] = "a-value-of-32-bytes-or-more-for-the-test"
	}
	env["BFF_REDIS_URL"] = "redis://redis:6379/0"
	cfg, err := config.Load(func(k string) (string, bool) { v, ok := env[k]; return v, ok }, false)
	require.NoError(t, err, "the BFF accepts the ConfigMap's settings")
	assert.True(t, cfg.Production(), "production")
	assert.Contains(t, m.secret.StringData, "BFF_REDIS_URL", "more than one replica needs Redis")
	assert.Greater(t, *m.deployment.Spec.Replicas, int32(1), "replicas")
	assert.ElementsMatch(t, []corev1.EnvFromSource{
		{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: m.configMap.Name}}},
		{SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: m.secret.Name}}},
	}, c.EnvFrom)

	// Ports and probes against the BFF's listen addresses and routes.
	ports := map[string]int32{}
	for _, p := range c.Ports {
		ports[p.Name] = p.ContainerPort
	}
	assert.Equal(t, portOf(t, cfg.ListenAddr), ports["http"], "the API port is BFF_LISTEN_ADDR's")
	assert.Equal(t, portOf(t, cfg.MetricsAddr), ports["metrics"], "the metrics port is BFF_METRICS_ADDR's")
	for probe, path := range map[*corev1.Probe]string{c.LivenessProbe: "/healthz", c.ReadinessProbe: "/readyz"} {
		require.NotNil(t, probe)
		require.NotNil(t, probe.HTTPGet)
		assert.Equal(t, path, probe.HTTPGet.Path)
		assert.Equal(t, intstr.FromString("http"), probe.HTTPGet.Port)
	}
	ann := m.deployment.Spec.Template.Annotations
	assert.Equal(t, "true", ann["prometheus.io/scrape"])
	assert.Equal(t, strconv.Itoa(int(ports["metrics"])), ann["prometheus.io/port"], "Prometheus scrapes the metrics port")
	assert.Equal(t, "/metrics", ann["prometheus.io/path"])

	// Shutdown: the load balancers see the pod not ready within the drain
	// delay, and SIGKILL comes after the preStop sleep, the drain and the
	// shutdown deadline.
	rp := c.ReadinessProbe
	assert.LessOrEqual(t, time.Duration(rp.PeriodSeconds*rp.FailureThreshold)*time.Second, cfg.DrainDelay,
		"readiness notices the drain before it ends")
	require.NotNil(t, c.Lifecycle)
	require.NotNil(t, c.Lifecycle.PreStop)
	require.NotNil(t, c.Lifecycle.PreStop.Sleep, "preStop sleeps (the image has no shell)")
	preStop := time.Duration(c.Lifecycle.PreStop.Sleep.Seconds) * time.Second
	grace := time.Duration(*pod.TerminationGracePeriodSeconds) * time.Second
	assert.GreaterOrEqual(t, grace, preStop+cfg.DrainDelay+cfg.ShutdownTimeout+2*time.Second,
		"terminationGracePeriodSeconds covers preStop + BFF_DRAIN_DELAY + BFF_SHUTDOWN_TIMEOUT")

	// Memory: GOMEMLIMIT the share of the limit internal/gctune would take
	// from the cgroup (the manifest says it so that it shows).
	limit := c.Resources.Limits[corev1.ResourceMemory]
	require.False(t, limit.IsZero(), "a memory limit")
	var goMemLimit string
	for _, e := range c.Env {
		if e.Name == "GOMEMLIMIT" {
			goMemLimit = e.Value
		}
	}
	ratio := float64(goMemLimitBytes(t, goMemLimit)) / float64(limit.Value())
	assert.InDelta(t, gctune.MemoryLimitRatio, ratio, 0.02,
		"GOMEMLIMIT %s is the share of the %s limit the BFF would take itself", goMemLimit, limit.String())
	request := c.Resources.Requests[corev1.ResourceMemory]
	assert.Zero(t, request.Cmp(limit), "memory request = limit: no overcommit to be OOM-killed for")

	// Security: the image's user, nothing writable, no privileges.
	stages := readDockerfile(t)
	user := fmt.Sprintf("%d:%d", *pod.SecurityContext.RunAsUser, *pod.SecurityContext.RunAsGroup)
	assert.Equal(t, stages["bff"].user, user, "the image's user")
	assert.True(t, *pod.SecurityContext.RunAsNonRoot)
	sc := c.SecurityContext
	require.NotNil(t, sc)
	assert.True(t, *sc.ReadOnlyRootFilesystem, "read-only root filesystem")
	assert.True(t, *sc.RunAsNonRoot)
	assert.False(t, *sc.AllowPrivilegeEscalation)
	assert.Equal(t, []corev1.Capability{"ALL"}, sc.Capabilities.Drop)
	assert.False(t, *pod.AutomountServiceAccountToken, "the BFF does not talk to the Kubernetes API")

	// Service and PDB select the Deployment's pods; the Service exposes the
	// API, not the metrics.
	podLabels := labels.Set(m.deployment.Spec.Template.Labels)
	assert.True(t, labels.SelectorFromSet(m.service.Spec.Selector).Matches(podLabels), "the Service selects the pods")
	sel, err := metav1.LabelSelectorAsSelector(m.pdb.Spec.Selector)
	require.NoError(t, err)
	assert.True(t, sel.Matches(podLabels), "the PDB selects the pods")
	require.NotNil(t, m.pdb.Spec.MaxUnavailable)
	assert.Equal(t, intstr.FromInt32(1), *m.pdb.Spec.MaxUnavailable)
	require.Len(t, m.service.Spec.Ports, 1)
	assert.Equal(t, intstr.FromString("http"), m.service.Spec.Ports[0].TargetPort)
	assert.Equal(t, intstr.FromInt32(0), *m.deployment.Spec.Strategy.RollingUpdate.MaxUnavailable, "rollouts keep every replica serving")
}

// portOf is the port of a listen address like ":4101".
func portOf(t *testing.T, addr string) int32 {
	t.Helper()
	_, p, err := net.SplitHostPort(addr)
	require.NoError(t, err)
	n, err := strconv.ParseInt(p, 10, 32)
	require.NoError(t, err)
	return int32(n)
}

// goMemLimitBytes parses GOMEMLIMIT as the Go runtime does: a number of
// bytes with an optional B, KiB, MiB, GiB or TiB suffix (runtime package
// documentation, "GOMEMLIMIT").
func goMemLimitBytes(t *testing.T, v string) int64 {
	t.Helper()
	m := regexp.MustCompile(`^([0-9]+)(B|KiB|MiB|GiB|TiB)?$`).FindStringSubmatch(v)
	require.NotNil(t, m, "GOMEMLIMIT %q is in the Go runtime's syntax", v)
	n, err := strconv.ParseInt(m[1], 10, 64)
	require.NoError(t, err)
	shift := slices.Index([]string{"B", "KiB", "MiB", "GiB", "TiB"}, m[2]) * 10
	if m[2] == "" {
		shift = 0
	}
	return n << shift
}

// goMemLimitBytes agrees with Kubernetes quantities on what a MiB is.
func TestGoMemLimitSyntax(t *testing.T) {
	for v, q := range map[string]string{"230MiB": "230Mi", "1GiB": "1Gi", "512": "512", "64KiB": "64Ki"} {
		want := resource.MustParse(q)
		assert.Equal(t, want.Value(), goMemLimitBytes(t, v), v)
	}
}
