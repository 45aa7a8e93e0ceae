package cms

import (
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const (
	id1 = "5b0d7c1e-0000-4000-8000-000000000001"
	id2 = "9e1a0000-0000-4000-8000-000000000002"
)

func TestDecodeClassInfo(t *testing.T) {
	got, err := decodeClassInfo([]byte(`{
		"`+id1+`": {"class_id": "c0ffee00", "class_name": "SA22B"},
		"`+id2+`": null,
		"not-asked": {"class_id": "x", "class_name": "y"}}`), []string{id1, id2})
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if len(got) != 2 || got[id1] == nil || *got[id1] != (ClassInfo{ClassID: "c0ffee00", ClassName: "SA22B"}) {
		t.Errorf("class info = %+v", got)
	}
	if v, ok := got[id2]; !ok || v != nil {
		t.Errorf("null entry = %+v, %v; want a nil value under its key", v, ok)
	}
}

func TestDecodeValidationStatus(t *testing.T) {
	got, err := decodeValidationStatus([]byte(`{
		"`+id1+`": {"batch_id": "`+id1+`", "deviation_count": 2, "auto_confirm_deadline": "2025-12-11T09:15:00Z",
			"total_associations": 24, "confirmed_associations": 22},
		"`+id2+`": {"batch_id": "`+id2+`", "deviation_count": 0, "auto_confirm_deadline": null,
			"total_associations": 3, "confirmed_associations": 3}}`), []string{id1, id2})
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	v1, v2 := got[id1], got[id2]
	deadline := time.Date(2025, 12, 11, 9, 15, 0, 0, time.UTC)
	if v1 == nil || v1.BatchID != id1 || v1.DeviationCount != 2 || v1.AutoConfirmDeadline == nil ||
		!v1.AutoConfirmDeadline.Equal(deadline) || v1.TotalAssociations != 24 || v1.ConfirmedAssociations != 22 {
		t.Errorf("entry 1 = %+v", v1)
	}
	if v2 == nil || v2.AutoConfirmDeadline != nil || v2.ConfirmedAssociations != 3 {
		t.Errorf("entry 2 = %+v", v2)
	}
}

func TestDecodeRejects(t *testing.T) {
	valid := `{"batch_id": "` + id1 + `", "deviation_count": 2, "auto_confirm_deadline": null, "total_associations": 24, "confirmed_associations": 22}`
	tests := []struct {
		name       string
		validation bool // decode as validation status, else class info
		body, want string
	}{
		{"class: not JSON", false, `{`, "decode"},
		{"class: null answer", false, `null`, "answer is null"},
		{"class: array answer", false, `[]`, "decode"},
		{"class: missing key", false, `{"` + id1 + `": null}`, `batch "` + id2 + `": missing`},
		{"class: empty object", false, `{}`, "missing"},
		{"class: entry an array", false, `{"` + id1 + `": [], "` + id2 + `": null}`, "decode"},
		{"class: entry a string", false, `{"` + id1 + `": "SA22B", "` + id2 + `": null}`, "decode"},
		{"class: entry empty object", false, `{"` + id1 + `": {}, "` + id2 + `": null}`, "class_id: missing"},
		{"class: empty class_id", false, `{"` + id1 + `": {"class_id": "", "class_name": "x"}, "` + id2 + `": null}`, "class_id: empty"},
		{"class: class_name a number", false, `{"` + id1 + `": {"class_id": "c", "class_name": 5}, "` + id2 + `": null}`, "decode"},
		{"class: class_name missing", false, `{"` + id1 + `": {"class_id": "c"}, "` + id2 + `": null}`, "class_name: missing"},
		{"validation: missing key", true, `{"` + id1 + `": ` + valid + `}`, "missing from the answer"},
		{"validation: batch_id of another batch", true, `{"` + id1 + `": ` + valid + `, "` + id2 + `": ` + valid + `}`,
			`batch_id: "` + id1 + `", want "` + id2 + `"`},
		{"validation: count a string", true, `{"` + id2 + `": null, "` + id1 + `": ` +
			strings.Replace(valid, `"deviation_count": 2`, `"deviation_count": "2"`, 1) + `}`, "decode"},
		{"validation: count fractional", true, `{"` + id2 + `": null, "` + id1 + `": ` +
			strings.Replace(valid, `"deviation_count": 2`, `"deviation_count": 2.5`, 1) + `}`, "decode"},
		{"validation: count negative", true, `{"` + id2 + `": null, "` + id1 + `": ` +
			strings.Replace(valid, `"total_associations": 24`, `"total_associations": -1`, 1) + `}`, "negative"},
		{"validation: count missing", true, `{"` + id2 + `": null, "` + id1 + `": ` +
			strings.Replace(valid, `"confirmed_associations": 22`, `"x": 1`, 1) + `}`, "confirmed_associations: missing"},
		{"validation: bad deadline", true, `{"` + id2 + `": null, "` + id1 + `": ` +
			strings.Replace(valid, `"auto_confirm_deadline": null`, `"auto_confirm_deadline": "tomorrow"`, 1) + `}`,
			"auto_confirm_deadline: not an RFC 3339"},
		{"validation: batch_id missing", true, `{"` + id2 + `": null, "` + id1 + `": ` +
			strings.Replace(valid, `"batch_id"`, `"id"`, 1) + `}`, "batch_id: missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if tt.validation {
				_, err = decodeValidationStatus([]byte(tt.body), []string{id1, id2})
			} else {
				_, err = decodeClassInfo([]byte(tt.body), []string{id1, id2})
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}
