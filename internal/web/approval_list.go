package web

import (
	"net/http"

	"github.com/heed-dev/heed/internal/store"
)

type approvalsPage struct {
	base
	Pending []approvalView
	Error   string
}

var approvalFlashes = map[string]string{
	"approved": "Approved: the reply is on its way to the customer.",
	"rejected": "Rejected: the author sees your reason.",
}

// listApprovals is the supervisors' queue of replies waiting for approval,
// oldest first, with the composer's findings on each.
func (h *Handler) listApprovals(w http.ResponseWriter, r *http.Request) error {
	p, err := h.approvalsPage(r)
	if err != nil {
		return err
	}
	p.Flash = approvalFlashes[r.URL.Query().Get("done")]
	return h.render(w, r, http.StatusOK, "approvals", p)
}

func (h *Handler) approvalsPage(r *http.Request) (approvalsPage, error) {
	a := me(r)
	p := approvalsPage{base: h.base(r, "Approvals", "approvals")}
	pending, err := h.Store.ListApprovals(r.Context(), a.WorkspaceID, store.ApprovalPending, 200)
	if err != nil {
		return p, err
	}
	for _, ap := range pending {
		p.Pending = append(p.Pending, newApprovalView(ap))
	}
	return p, nil
}
