package devstack

import (
	"fmt"
	"log/slog"
	"net/http"

	"github.com/go-chi/chi/v5"
)

type balanceJSON struct {
	UserBalance int     `json:"user_balance"`
	OrgBalance  *int    `json:"org_balance"`
	OrgID       *string `json:"org_id"`
}

// NewEntitlements is the Entitlements service over store. A user it has no
// account for is answered 404: a credit ledger that invented a zero balance
// would hide a provisioning bug behind a plausible number.
func NewEntitlements(store *Store, auth Auth, log *slog.Logger) *Service {
	s := newService("entitlements", auth, log)
	s.router.Get("/v1/entitlements/balance/{user_id}", s.endpoint(EndpointBalance,
		func(w http.ResponseWriter, r *http.Request) {
			user := chi.URLParam(r, "user_id")
			b, ok := store.Balance(user)
			if !ok {
				writeError(w, http.StatusNotFound, fmt.Sprintf("no entitlements account for user %q", user))
				return
			}
			writeJSON(w, http.StatusOK, balanceJSON(b))
		}))
	return s
}
