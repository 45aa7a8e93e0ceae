package devstack

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFaultStatus(t *testing.T) {
	st := startStack(t, Options{})
	c := newCaller(t)
	list := listURL(st, TeacherWithOrg, "")
	tests := []struct {
		name        string
		fault       Fault
		wantStatus  int
		wantJSON    bool
		wantCT      string
		wantHealthy bool
	}{
		{"default 500 JSON", Fault{Kind: FaultStatus}, 500, true, "application/json", true},
		{"503 JSON", Fault{Kind: FaultStatus, StatusCode: 503}, 503, true, "application/json", true},
		{"502 HTML", Fault{Kind: FaultStatus, StatusCode: 502, NonJSON: true}, 502, false, "text/html; charset=utf-8", true},
		{"limited to the endpoint", Fault{Kind: FaultStatus, Endpoint: EndpointListBatches, StatusCode: 429}, 429, true, "application/json", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st.RAS.SetFault(tt.fault)
			defer st.RAS.SetFault(Fault{})
			ans := c.get(list)
			assert.Equal(t, tt.wantStatus, ans.status)
			assert.Equal(t, tt.wantCT, ans.header.Get("Content-Type"))
			var e struct{ Error string }
			err := json.Unmarshal(ans.body, &e)
			if tt.wantJSON {
				require.NoError(t, err)
				assert.NotEmpty(t, e.Error)
			} else {
				assert.Error(t, err)
			}
			assert.Equal(t, http.StatusOK, c.get(st.RAS.URL+"/healthz").status, "healthz is spared")
		})
	}

	t.Run("other endpoint unaffected", func(t *testing.T) {
		st.RAS.SetFault(Fault{Kind: FaultStatus, Endpoint: EndpointBatchStatus})
		defer st.RAS.SetFault(Fault{})
		var got wireList
		c.getJSON(list, http.StatusOK, &got)
		c.requireError(statusURL(st, got.Batches[0].BatchID), http.StatusInternalServerError)
	})

	t.Run("next N requests only", func(t *testing.T) {
		st.RAS.SetFault(Fault{Kind: FaultStatus, StatusCode: 503, Times: 2})
		c.requireError(list, 503)
		c.requireError(list, 503)
		var got wireList
		c.getJSON(list, http.StatusOK, &got)
		c.getJSON(list, http.StatusOK, &got)
	})

	t.Run("healthz when named", func(t *testing.T) {
		st.CMS.SetFault(Fault{Kind: FaultStatus, Endpoint: EndpointHealthz, Times: 1})
		assert.Equal(t, 500, c.get(st.CMS.URL+"/healthz").status)
		assert.Equal(t, 200, c.get(st.CMS.URL+"/healthz").status)
	})
}

func TestFaultTimeout(t *testing.T) {
	st := startStack(t, Options{})
	c := newCaller(t)
	st.Entitlements.SetFault(Fault{Kind: FaultTimeout, Endpoint: EndpointBalance, Times: 1})
	url := st.Entitlements.URL + "/v1/entitlements/balance/" + TeacherWithOrg

	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	_, err := c.try(ctx, url)
	require.Error(t, err)
	assert.True(t, errors.Is(err, context.DeadlineExceeded), "got %v", err)
	assert.Equal(t, 1, st.Entitlements.Count(EndpointBalance))

	var got json.RawMessage
	c.getJSON(url, http.StatusOK, &got)
}

func TestFaultTimeoutReleasedByClose(t *testing.T) {
	st, err := Start(Options{Now: testNow, Seed: 1})
	require.NoError(t, err)
	st.RAS.SetFault(Fault{Kind: FaultTimeout})
	c := newCaller(t)
	done := make(chan error, 1)
	go func() {
		_, err := c.try(context.Background(), listURL(st, TeacherWithOrg, ""))
		done <- err
	}()
	require.Eventually(t, func() bool { return st.RAS.Count(EndpointListBatches) == 1 }, 5*time.Second, 5*time.Millisecond)
	require.NoError(t, st.Close(), "Close does not wait for hung handlers")
	assert.Error(t, <-done)
}

func TestFaultMalformed(t *testing.T) {
	st := startStack(t, Options{})
	c := newCaller(t)
	endpoints := map[string]string{
		EndpointListBatches:      listURL(st, TeacherWithOrg, ""),
		EndpointBatchStatus:      statusURL(st, st.Store.BatchIDs(TeacherWithOrg)[0]),
		EndpointClassInfo:        classInfoURL(st, unknownBatch),
		EndpointValidationStatus: validationURL(st, unknownBatch),
		EndpointBalance:          st.Entitlements.URL + "/v1/entitlements/balance/" + TeacherWithOrg,
	}
	decodeAs := map[string]func([]byte) error{
		EndpointListBatches:      func(b []byte) error { var v wireList; return json.Unmarshal(b, &v) },
		EndpointBatchStatus:      func(b []byte) error { var v wireBatch; return json.Unmarshal(b, &v) },
		EndpointClassInfo:        func(b []byte) error { var v map[string]*wireClass; return json.Unmarshal(b, &v) },
		EndpointValidationStatus: func(b []byte) error { var v map[string]*wireValidation; return json.Unmarshal(b, &v) },
		EndpointBalance: func(b []byte) error {
			var v struct {
				UserBalance int `json:"user_balance"`
			}
			return json.Unmarshal(b, &v)
		},
	}
	for _, wrongTypes := range []bool{false, true} {
		for name, url := range endpoints {
			t.Run(name, func(t *testing.T) {
				for _, svc := range st.Services() {
					svc.SetFault(Fault{Kind: FaultMalformed, Endpoint: name, WrongTypes: wrongTypes})
					defer svc.SetFault(Fault{})
				}
				ans := c.get(url)
				assert.Equal(t, http.StatusOK, ans.status)
				assert.Equal(t, wrongTypes, json.Valid(ans.body))
				var typeErr *json.UnmarshalTypeError
				err := decodeAs[name](ans.body)
				require.Error(t, err)
				assert.Equal(t, wrongTypes, errors.As(err, &typeErr), "error: %v", err)
			})
		}
	}
}

func TestLatency(t *testing.T) {
	st := startStack(t, Options{})
	c := newCaller(t)
	tests := []struct {
		name         string
		base, jitter time.Duration
		atLeast      time.Duration
	}{
		{"base only", 120 * time.Millisecond, 0, 120 * time.Millisecond},
		{"base and jitter", 100 * time.Millisecond, 40 * time.Millisecond, 60 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st.CMS.SetLatency(tt.base, tt.jitter)
			defer st.CMS.SetLatency(0, 0)
			for range 3 {
				start := time.Now()
				var got map[string]any
				c.getJSON(classInfoURL(st, unknownBatch), http.StatusOK, &got)
				assert.GreaterOrEqual(t, time.Since(start), tt.atLeast)
			}
		})
	}
	t.Run("cancelled request stops waiting", func(t *testing.T) {
		st.RAS.SetLatency(time.Hour, 0)
		defer st.RAS.SetLatency(0, 0)
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		_, err := c.try(ctx, listURL(st, TeacherWithOrg, ""))
		assert.ErrorIs(t, err, context.DeadlineExceeded)
	})
}

func TestCountersAndRequests(t *testing.T) {
	st := startStack(t, Options{})
	c := newCaller(t)
	ids := st.Store.BatchIDs(TeacherWithOrg)
	st.RAS.ResetCounts()

	var list wireList
	c.getJSON(listURL(st, TeacherWithOrg, "limit=5&status=cancelled&status=failed_critically"), http.StatusOK, &list)
	for _, id := range ids[:3] {
		var b wireBatch
		c.getJSON(statusURL(st, id), http.StatusOK, &b)
	}
	c.header.Del("X-Internal-API-Key")
	c.requireError(statusURL(st, ids[0]), http.StatusUnauthorized)
	c.requireError(st.RAS.URL+"/internal/v1/nothing", http.StatusNotFound)

	assert.Equal(t, 1, st.RAS.Count(EndpointListBatches))
	assert.Equal(t, 4, st.RAS.Count(EndpointBatchStatus), "rejected requests count too")
	assert.Equal(t, 0, st.RAS.Count(EndpointHealthz))
	assert.Equal(t, 0, st.CMS.Count(EndpointClassInfo), "counters are per service")
	assert.Equal(t, map[string]int{EndpointListBatches: 1, EndpointBatchStatus: 4, "": 1}, st.RAS.Counts())

	reqs := st.RAS.Requests()
	require.Len(t, reqs, 6)
	first := reqs[0]
	assert.Equal(t, EndpointListBatches, first.Endpoint)
	assert.Equal(t, http.MethodGet, first.Method)
	assert.Equal(t, "/internal/v1/batches/user/"+TeacherWithOrg, first.Path)
	assert.Equal(t, "limit=5&status=cancelled&status=failed_critically", first.RawQuery)
	assert.Equal(t, DefaultAPIKey, first.Header.Get("X-Internal-API-Key"))
	assert.Equal(t, testServiceID, first.Header.Get("X-Service-ID"))
	assert.Equal(t, "0d6f3c2e-1a2b-4c3d-8e9f-0a1b2c3d4e5f", first.Header.Get("X-Correlation-ID"))
	assert.Empty(t, reqs[4].Header.Get("X-Internal-API-Key"))

	st.RAS.ResetCounts()
	assert.Zero(t, st.RAS.Count(EndpointBatchStatus))
	assert.Empty(t, st.RAS.Requests())
}

func TestHealthz(t *testing.T) {
	st := startStack(t, Options{})
	c := newCaller(t)
	c.header = http.Header{} // no auth needed
	for _, svc := range st.Services() {
		t.Run(svc.Name(), func(t *testing.T) {
			var ok map[string]string
			c.getJSON(svc.URL+"/healthz", http.StatusOK, &ok)
			assert.Equal(t, "ok", ok["status"])
			svc.SetHealthy(false)
			c.requireError(svc.URL+"/healthz", http.StatusServiceUnavailable)
			svc.SetHealthy(true)
			c.getJSON(svc.URL+"/healthz", http.StatusOK, &ok)
			assert.Equal(t, 3, svc.Count(EndpointHealthz))
		})
	}
}

func TestServicesWithoutListeners(t *testing.T) {
	store := NewStore(Options{Now: testNow, Seed: 1})
	auth := Auth{APIKey: "k"}
	id := store.BatchIDs(TeacherWithOrg)[0]
	tests := []struct {
		svc  *Service
		path string
	}{
		{NewRAS(store, auth, nil), "/internal/v1/batches/" + id + "/status"},
		{NewCMS(store, auth, nil), "/internal/v1/batches/class-info?batch_ids=" + id},
		{NewEntitlements(store, auth, nil), "/v1/entitlements/balance/" + TeacherWithOrg},
	}
	for _, tt := range tests {
		t.Run(tt.svc.Name(), func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, tt.path, nil)
			req.Header.Set("X-Internal-API-Key", "k")
			req.Header.Set("X-Service-ID", "test")
			rec := httptest.NewRecorder()
			tt.svc.ServeHTTP(rec, req)
			assert.Equal(t, http.StatusOK, rec.Code)
			assert.True(t, json.Valid(rec.Body.Bytes()))
			assert.Empty(t, tt.svc.URL)

			rec = httptest.NewRecorder()
			tt.svc.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, tt.path, nil))
			assert.Equal(t, http.StatusMethodNotAllowed, rec.Code)
			assert.Equal(t, "application/json", rec.Header().Get("Content-Type"))
		})
	}
}

func TestStartOnFixedAddressAndBusyPort(t *testing.T) {
	st := startStack(t, Options{})
	_, err := Start(Options{RASAddr: st.RAS.URL[len("http://"):]})
	require.Error(t, err, "the RAS port is taken")
	assert.Contains(t, err.Error(), "listen for ras")
}
