package cms

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/essaylab/teacher-bff/internal/upstream"
)

// Wire types with pointer fields, so an absent field is visible.
type wireClassInfo struct {
	ClassID   *string `json:"class_id"`
	ClassName *string `json:"class_name"`
}

type wireValidationStatus struct {
	BatchID               *string `json:"batch_id"`
	DeviationCount        *int    `json:"deviation_count"`
	AutoConfirmDeadline   *string `json:"auto_confirm_deadline"`
	TotalAssociations     *int    `json:"total_associations"`
	ConfirmedAssociations *int    `json:"confirmed_associations"`
}

// decodeClassInfo decodes a class-info answer for the requested ids.
func decodeClassInfo(data []byte, ids []string) (map[string]*ClassInfo, error) {
	return decodeBulk(data, ids, func(_ string, w *wireClassInfo, c *upstream.Check) *ClassInfo {
		return &ClassInfo{ClassID: c.ID("class_id", w.ClassID), ClassName: c.String("class_name", w.ClassName)}
	})
}

// decodeValidationStatus decodes a validation-status answer for the
// requested ids; each entry must name the batch it is keyed by.
func decodeValidationStatus(data []byte, ids []string) (map[string]*ValidationStatus, error) {
	return decodeBulk(data, ids, func(id string, w *wireValidationStatus, c *upstream.Check) *ValidationStatus {
		v := &ValidationStatus{
			BatchID:               c.ID("batch_id", w.BatchID),
			DeviationCount:        c.Count("deviation_count", w.DeviationCount),
			AutoConfirmDeadline:   c.OptTime("auto_confirm_deadline", w.AutoConfirmDeadline),
			TotalAssociations:     c.Count("total_associations", w.TotalAssociations),
			ConfirmedAssociations: c.Count("confirmed_associations", w.ConfirmedAssociations),
		}
		if v.BatchID != "" && v.BatchID != id {
			c.Mismatch("batch_id", v.BatchID, id)
		}
		return v
	})
}

// decodeBulk checks the shape both lookups share: an object with every
// requested id as a key, each value null (CMS knows nothing) or an object
// of type W that convert checks and turns into a T. Keys nobody asked for
// are ignored. It stops at the first bad entry so the error stays small.
func decodeBulk[W, T any](data []byte, ids []string, convert func(id string, w *W, c *upstream.Check) *T) (map[string]*T, error) {
	var entries map[string]json.RawMessage
	if err := json.Unmarshal(data, &entries); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	if entries == nil {
		return nil, fmt.Errorf("answer is null, want an object keyed by batch id")
	}
	out := make(map[string]*T, len(ids))
	for _, id := range ids {
		raw, ok := entries[id]
		if !ok {
			return nil, fmt.Errorf("batch %q: missing from the answer", id)
		}
		if bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
			out[id] = nil
			continue
		}
		// Unmarshalling into a struct refuses arrays, strings and numbers,
		// so only a real object (or null, above) gets through.
		var w W
		if err := json.Unmarshal(raw, &w); err != nil {
			return nil, fmt.Errorf("batch %q: decode: %w", id, err)
		}
		var c upstream.Check
		v := convert(id, &w, &c)
		if err := c.Err(); err != nil {
			return nil, fmt.Errorf("batch %q: %w", id, err)
		}
		out[id] = v
	}
	return out, nil
}
