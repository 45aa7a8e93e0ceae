package devstack

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
)

// MaxBulkIDs is how many batch ids one CMS lookup may carry.
const MaxBulkIDs = 100

type classInfoJSON struct {
	ClassID   string `json:"class_id"`
	ClassName string `json:"class_name"`
}

// NewCMS is the Class Management Service over store.
func NewCMS(store *Store, auth Auth, log *slog.Logger) *Service {
	s := newService("cms", auth, log)
	s.router.Get("/internal/v1/batches/class-info", s.endpoint(EndpointClassInfo,
		bulk(func(id string) any {
			b, ok := store.Batch(id)
			if !ok || b.ClassID == "" {
				return nil
			}
			c, ok := store.Class(b.ClassID)
			if !ok {
				return nil
			}
			return &classInfoJSON{ClassID: c.ID, ClassName: c.Name}
		})))
	s.router.Get("/internal/v1/batches/validation-status", s.endpoint(EndpointValidationStatus,
		bulk(func(id string) any {
			b, ok := store.Batch(id)
			if !ok {
				return nil
			}
			if v := b.Validation(); v != nil {
				return v
			}
			return nil
		})))
	return s
}

// bulk serves a CMS lookup: every requested id becomes a key of the answer,
// spelled as requested, with lookup's value or null.
func bulk(lookup func(id string) any) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ids, err := batchIDs(r)
		if err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
		out := make(map[string]any, len(ids))
		for _, id := range ids {
			out[id] = lookup(id)
		}
		writeJSON(w, http.StatusOK, out)
	}
}

func batchIDs(r *http.Request) ([]string, error) {
	raw := strings.Join(r.URL.Query()["batch_ids"], ",")
	if raw == "" {
		return nil, fmt.Errorf("batch_ids is required")
	}
	ids := strings.Split(raw, ",")
	if len(ids) > MaxBulkIDs {
		return nil, fmt.Errorf("batch_ids: %d ids, at most %d allowed", len(ids), MaxBulkIDs)
	}
	for _, id := range ids {
		if !isUUID(id) {
			return nil, fmt.Errorf("batch_ids: %q is not a UUID", id)
		}
	}
	return ids, nil
}
