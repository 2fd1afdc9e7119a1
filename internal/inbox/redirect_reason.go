package inbox

// RedirectReason is why an agent took a public conversation private: a
// fixed key (stored in conversations.redirect_reason) and its label.
type RedirectReason struct {
	Key   string
	Label string
}

// RedirectReasons is the fixed, ordered list an agent picks from when
// taking a public conversation private (the private-move form, the API's
// "reason"), in the order the UI and the reports show them.
var RedirectReasons = []RedirectReason{
	{Key: "personal_data", Label: "Personal or account details"},
	{Key: "order", Label: "Order, payment or booking lookup"},
	{Key: "complaint", Label: "Complaint or heated exchange"},
	{Key: "complex", Label: "Needs several exchanges"},
	{Key: "customer_asked", Label: "Customer asked for private"},
	{Key: "other", Label: "Other"},
}

// RedirectReasonNotGiven is the label of the empty reason.
const RedirectReasonNotGiven = "Not given"

// RedirectReasonLabel returns the label of a reason key: "Not given" for
// "", the key itself for a key not in RedirectReasons (a reason dropped
// from the list after it was stored).
func RedirectReasonLabel(key string) string {
	if key == "" {
		return RedirectReasonNotGiven
	}
	for _, r := range RedirectReasons {
		if r.Key == key {
			return r.Label
		}
	}
	return key
}

// checkRedirectReason accepts "" (not given) and the keys of
// RedirectReasons.
func checkRedirectReason(key string) error {
	if key == "" {
		return nil
	}
	for _, r := range RedirectReasons {
		if r.Key == key {
			return nil
		}
	}
	return &ValidationError{Field: "reason", Message: "must be one of the listed reasons"}
}
