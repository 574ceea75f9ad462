package emulator

import (
	"crypto/subtle"
	"net/http"
	"strconv"
	"strings"
)

// serveManagedIdentity is the App Service managed identity endpoint (api-version 2019-08-01).
func (s *Server) serveManagedIdentity(w http.ResponseWriter, r *http.Request) {
	fail := func(status int, msg string) {
		writeJSON(w, status, map[string]any{"statusCode": status, "message": msg, "correlationId": randomHex(16)})
	}
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		fail(http.StatusMethodNotAllowed, "use GET")
		return
	}
	if subtle.ConstantTimeCompare([]byte(r.Header.Get("X-IDENTITY-HEADER")), []byte(s.miKey)) != 1 {
		fail(http.StatusUnauthorized, "the X-IDENTITY-HEADER header is missing or wrong")
		return
	}
	q := r.URL.Query()
	if v := q.Get("api-version"); v != "2019-08-01" {
		fail(http.StatusBadRequest, "api-version "+strconvQuote(v)+" is not supported; use 2019-08-01")
		return
	}
	resource := q.Get("resource")
	if resource == "" {
		fail(http.StatusBadRequest, "the resource parameter is required")
		return
	}
	if _, oe := parseScope(resource+"/.default", true); oe != nil {
		fail(http.StatusBadRequest, "the resource "+strconvQuote(resource)+" is not valid")
		return
	}
	var mi *miRec
	switch {
	case q.Get("client_id") != "":
		mi = s.findMI(q.Get("client_id"))
	case q.Get("object_id") != "" || q.Get("principal_id") != "":
		id := q.Get("object_id") + q.Get("principal_id")
		for _, m := range s.dir.mis {
			if strings.EqualFold(m.ObjectID, id) {
				mi = m
			}
		}
	case q.Get("mi_res_id") != "":
		for _, m := range s.dir.mis {
			if m.ResourceID != "" && strings.EqualFold(m.ResourceID, q.Get("mi_res_id")) {
				mi = m
			}
		}
	default:
		if len(s.dir.mis) > 0 {
			mi = s.dir.mis[0]
		}
	}
	if mi == nil {
		fail(http.StatusBadRequest, "no managed identity matches the request")
		return
	}
	o := tokenOptions{subject: subject{mi: mi}, tenant: mi.tenant}
	at, exp, err := s.mintAccessToken(o, resource)
	if err != nil {
		fail(http.StatusInternalServerError, "could not sign the token")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": at, "expires_on": strconv.FormatInt(exp.Unix(), 10), "resource": resource,
		"token_type": "Bearer", "client_id": mi.ClientID,
	})
}
