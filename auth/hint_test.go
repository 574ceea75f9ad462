package auth

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestARefusalSaysWhatToDo: the identity provider's refusals a user can act
// on carry a hint (which azc prints under the error, whatever command met
// it: token, exec, a refresh); the others none.
func TestARefusalSaysWhatToDo(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		err  interface{ Hint() string }
		want string // a part of the hint; "" for none
	}{
		{&AADError{Code: "invalid_grant", Status: 400}, "sign in again with `azc login`"},
		{&AADError{Code: "interaction_required", Status: 400}, "sign in again with `azc login`"},
		{&AADError{Code: "invalid_client", Status: 401, Description: "AADSTS7000222: the provided client secret keys are expired"}, "secret or certificate"},
		{&AADError{Code: "temporarily_unavailable", Status: 503}, "retry in a while"},
		{&AADError{Code: "invalid_request", Status: 429}, "retry in a while"},
		{&AADError{Code: "invalid_request", Status: 400}, ""},
		{&AADError{Code: "unauthorized_client", Status: 400}, ""},
		{&StatusError{Status: 502, Text: "502 Bad Gateway"}, "retry in a while"},
		{&StatusError{Status: 404, Text: "404 Not Found"}, ""},
	} {
		got := tc.err.Hint()
		if tc.want == "" && got != "" || !strings.Contains(got, tc.want) {
			t.Errorf("%s: hint %q, want one with %q", fmt.Sprint(tc.err), got, tc.want)
		}
	}
	if h := (&AADError{Code: "invalid_client", Status: http.StatusUnauthorized}).Hint(); strings.Contains(h, "AADSTS") {
		t.Errorf("the hint %q repeats the error", h)
	}
}
