package app_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/essaylab/teacher-bff/internal/devstack"
	"github.com/essaylab/teacher-bff/internal/events"
	"github.com/essaylab/teacher-bff/internal/testenv"
)

// A frontend on a local dev server (Vite's http://localhost:5173) calls and
// subscribes to the demo without any setting; outside the demo, and in the
// demo once BFF_ALLOWED_ORIGINS names the origins, it is refused.
func TestDemoAllowsLocalDevOrigins(t *testing.T) {
	const origin = "http://localhost:5173"
	for _, tc := range []struct {
		name    string
		demo    bool
		allowed []string
		want    bool
	}{
		{"demo", true, nil, true},
		{"demo with BFF_ALLOWED_ORIGINS", true, []string{"https://teacher.example.com"}, false},
		{"not the demo", false, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bus := events.NewMemoryBus()
			env := testenv.Start(t, testenv.WithBus(bus), func(c *configT, o *optionsT) {
				o.Demo = tc.demo
				c.AllowedOrigins = tc.allowed
			})

			req, err := http.NewRequest(http.MethodOptions, env.Server.URL+"/graphql", nil)
			require.NoError(t, err)
			req.Header.Set("Origin", origin)
			req.Header.Set("Access-Control-Request-Method", "POST")
			req.Header.Set("Access-Control-Request-Headers", "authorization,content-type")
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			if tc.want {
				assert.Equal(t, origin, resp.Header.Get("Access-Control-Allow-Origin"), "the preflight is granted")
			} else {
				assert.Empty(t, resp.Header.Get("Access-Control-Allow-Origin"), "the preflight is not granted")
			}

			header := http.Header{"Origin": {origin}}
			if !tc.want {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				_, wsResp, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(env.Server.URL, "http")+"/graphql",
					&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}, HTTPHeader: header})
				require.Error(t, err)
				require.NotNil(t, wsResp)
				assert.Equal(t, http.StatusForbidden, wsResp.StatusCode, "the upgrade is refused")
				return
			}
			c := env.DialWS(t, "graphql-transport-ws", header)
			c.Init(map[string]any{"token": env.Token(t, devstack.TeacherWithOrg)})
			c.Subscribe("subscribe", "1", testenv.Operation(t, "BatchUpdates"), nil)
			require.Eventually(t, func() bool { return bus.Watching(devstack.TeacherWithOrg) == 1 },
				5*time.Second, 10*time.Millisecond, "the subscription is watching")
			b := advance(t, env, bus, processingBatch(t, env, devstack.TeacherWithOrg).ID)
			assert.Equal(t, b.ID, decodeNext(t, c.Expect("next")).BatchStatusChanged.ID, "an event arrives")
		})
	}
}
