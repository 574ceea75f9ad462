package emulator

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits ARM itself sets on resource groups.
const (
	maxResourceGroups       = 980 // per subscription
	maxResourceGroupNameLen = 90
	maxTags                 = 50
	maxTagNameLen           = 512 // characters
	maxTagValueLen          = 256 // characters
)

// resourceGroup is a resource group the emulator keeps in memory.
type resourceGroup struct {
	Name      string            `json:"name"`
	Location  string            `json:"location"`
	Tags      map[string]string `json:"tags,omitempty"`
	ManagedBy string            `json:"managedBy,omitempty"`
}

// groupStore holds the resource groups of each subscription (lower-case ids and names).
type groupStore map[string]map[string]*resourceGroup

// resourceGroupPath splits /subscriptions/{id}/resourcegroups[/{name}] (any case).
func resourceGroupPath(path string) (sub, name string, ok bool) {
	rest, found := strings.CutPrefix(path, "/subscriptions/")
	if !found {
		return "", "", false
	}
	parts := strings.Split(rest, "/")
	if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || !strings.EqualFold(parts[1], "resourcegroups") {
		return "", "", false
	}
	if len(parts) == 3 {
		if parts[2] == "" {
			return "", "", false
		}
		return parts[0], parts[2], true
	}
	return parts[0], "", true
}

// locations are the regions GET /subscriptions/{id}/locations lists, so clients can turn
// a display name ("West Europe") into a name ("westeurope").
var locations = [][2]string{
	{"eastus", "East US"}, {"eastus2", "East US 2"}, {"westus", "West US"}, {"westus2", "West US 2"},
	{"centralus", "Central US"}, {"northeurope", "North Europe"}, {"westeurope", "West Europe"},
	{"uksouth", "UK South"}, {"southeastasia", "Southeast Asia"}, {"japaneast", "Japan East"},
	{"australiaeast", "Australia East"},
}

// locationsPath reports whether path is /subscriptions/{id}/locations, and the id.
func locationsPath(path string) (string, bool) {
	rest, found := strings.CutPrefix(path, "/subscriptions/")
	if !found {
		return "", false
	}
	sub, tail, ok := strings.Cut(rest, "/")
	return sub, ok && sub != "" && strings.EqualFold(tail, "locations")
}

// visibleSubscription finds the subscription id names in the caller's tenant, if the
// caller may see it; otherwise it answers ARM's 404.
func (s *Server) visibleSubscription(w http.ResponseWriter, r *http.Request, c *armCaller, id string) (*subRec, bool) {
	for _, sub := range s.dir.subsByTenant[c.tenant.ID] {
		if strings.EqualFold(sub.ID, id) && c.sees(sub) {
			return sub, true
		}
	}
	s.subscriptionNotFound(w, r, c, id)
	return nil, false
}

// serveLocations lists the regions of a subscription the caller sees.
func (s *Server) serveLocations(w http.ResponseWriter, r *http.Request) {
	c, ok := s.armRequest(w, r, http.MethodGet)
	if !ok {
		return
	}
	id, _ := locationsPath(r.URL.Path)
	sub, ok := s.visibleSubscription(w, r, c, id)
	if !ok {
		return
	}
	s.page(w, r, len(locations), func(i int) any {
		l := locations[i]
		return map[string]any{"id": "/subscriptions/" + sub.ID + "/locations/" + l[0], "name": l[0], "displayName": l[1],
			"regionalDisplayName": l[1], "type": "Region", "metadata": map[string]any{"regionType": "Physical"}}
	})
}

func methodNotAllowed(w http.ResponseWriter, r *http.Request, allowed ...string) {
	w.Header().Set("Allow", strings.Join(allowed, ", "))
	writeARMError(w, http.StatusMethodNotAllowed, "MethodNotAllowed",
		"the emulator answers "+strings.Join(allowed, ", ")+" at this route, not "+strconvQuote(r.Method))
}

// validGroupName applies ARM's rule: 1-90 letters, digits, underscores, hyphens, periods
// and parentheses, not ending in a period.
func validGroupName(n string) bool {
	if n == "" || utf8.RuneCountInString(n) > maxResourceGroupNameLen || strings.HasSuffix(n, ".") || !utf8.ValidString(n) {
		return false
	}
	for _, r := range n {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune("_-.()", r) {
			return false
		}
	}
	return true
}

// normalizeLocation turns "West US" into "westus", as ARM reports locations.
func normalizeLocation(l string) string {
	return strings.ToLower(strings.ReplaceAll(strings.TrimSpace(l), " ", ""))
}

func groupJSON(subID string, g *resourceGroup) map[string]any {
	v := map[string]any{
		"id":   "/subscriptions/" + subID + "/resourceGroups/" + g.Name,
		"name": g.Name, "type": "Microsoft.Resources/resourceGroups", "location": g.Location,
		"properties": map[string]any{"provisioningState": "Succeeded"},
	}
	if len(g.Tags) > 0 {
		v["tags"] = g.Tags
	}
	if g.ManagedBy != "" {
		v["managedBy"] = g.ManagedBy
	}
	return v
}

// serveResourceGroups serves list, get, check-existence (HEAD), create or update (PUT),
// update (PATCH) and delete of resource groups in a subscription the caller sees.
func (s *Server) serveResourceGroups(w http.ResponseWriter, r *http.Request) {
	subID, name, _ := resourceGroupPath(r.URL.Path)
	allowed := []string{http.MethodGet, http.MethodHead, http.MethodPut, http.MethodPatch, http.MethodDelete}
	if name == "" {
		allowed = []string{http.MethodGet}
	}
	c, ok := s.armRequest(w, r, allowed...)
	if !ok {
		return
	}
	sub, ok := s.visibleSubscription(w, r, c, subID)
	if !ok {
		return
	}
	key := strings.ToLower(sub.ID)
	if name == "" {
		s.mu.Lock()
		groups := make([]*resourceGroup, 0, len(s.groups[key]))
		for _, g := range s.groups[key] {
			cp := *g
			groups = append(groups, &cp)
		}
		s.mu.Unlock()
		if r.URL.Query().Get("$filter") != "" {
			writeARMError(w, http.StatusBadRequest, "InvalidFilterInQueryString", "the emulator does not support $filter on resource groups")
			return
		}
		slices.SortFunc(groups, func(a, b *resourceGroup) int {
			return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
		})
		s.page(w, r, len(groups), func(i int) any { return groupJSON(sub.ID, groups[i]) })
		return
	}
	if !validGroupName(name) {
		writeARMError(w, http.StatusBadRequest, "InvalidResourceGroup", "The provided resource group name "+strconvQuote(name)+" has these invalid characters or length: it must be 1-90 letters, digits, underscores, hyphens, periods or parentheses, and not end in a period.")
		return
	}
	notFound := func() {
		writeARMError(w, http.StatusNotFound, "ResourceGroupNotFound", "Resource group '"+name+"' could not be found.")
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead && (sub.State == "Disabled" || sub.State == "Deleted") {
		writeARMError(w, http.StatusConflict, "ReadOnlyDisabledSubscription", "The subscription '"+sub.ID+"' is disabled and therefore marked as read only. You cannot perform any write actions on this subscription until it is re-enabled.")
		return
	}
	lname := strings.ToLower(name)
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		s.mu.Lock()
		g, ok := s.groups[key][lname]
		var cp resourceGroup
		if ok {
			cp = *g
		}
		s.mu.Unlock()
		switch {
		case !ok:
			notFound()
		case r.Method == http.MethodHead:
			w.WriteHeader(http.StatusNoContent)
		default:
			writeJSON(w, http.StatusOK, groupJSON(sub.ID, &cp))
		}
	case http.MethodDelete:
		s.mu.Lock()
		_, ok := s.groups[key][lname]
		delete(s.groups[key], lname)
		s.mu.Unlock()
		if !ok {
			notFound()
			return
		}
		w.WriteHeader(http.StatusOK)
	case http.MethodPut, http.MethodPatch:
		var body struct {
			Location  *string           `json:"location"`
			Tags      map[string]string `json:"tags"`
			ManagedBy *string           `json:"managedBy"`
		}
		dec := json.NewDecoder(r.Body)
		err := dec.Decode(&body)
		if err == nil {
			// ARM reads the body as one JSON value: more after it is malformed.
			if _, next := dec.Token(); !errors.Is(next, io.EOF) {
				err = errors.New("the body holds more than one JSON value")
			}
		}
		if err != nil && !(errors.Is(err, io.EOF) && r.Method == http.MethodPatch) {
			writeARMError(w, http.StatusBadRequest, "InvalidRequestContent", "The request content was invalid and could not be deserialized: "+strconvQuote(err.Error()))
			return
		}
		if code, msg := checkGroupBody(body.Location, body.Tags); code != "" {
			writeARMError(w, http.StatusBadRequest, code, msg)
			return
		}
		s.putGroup(w, r, sub, name, body.Location, body.Tags, body.ManagedBy)
	}
}

// checkGroupBody applies ARM's rules to a resource group's location and tags:
// a region of locations, at most maxTags tags, names of at most
// maxTagNameLen characters and values of at most maxTagValueLen. They also
// bound what the groups of a subscription hold in memory. It returns ARM's
// error code and message, or "" when the body passes.
func checkGroupBody(location *string, tags map[string]string) (code, msg string) {
	if location != nil {
		l := normalizeLocation(*location)
		if l != "" && !slices.ContainsFunc(locations, func(loc [2]string) bool { return loc[0] == l }) {
			names := make([]string, len(locations))
			for i, loc := range locations {
				names[i] = loc[0]
			}
			return "LocationNotAvailableForResourceGroup", "The provided location " + strconvQuote(l) + " is not available for resource group. List of available regions is '" + strings.Join(names, ",") + "'."
		}
	}
	if len(tags) > maxTags {
		return "InvalidTagNameOrValue", "a resource group may have at most 50 tags"
	}
	for k, v := range tags {
		if utf8.RuneCountInString(k) > maxTagNameLen {
			return "InvalidTagNameLength", "The tag name " + strconvQuote(k) + " exceeds the maximum length of 512 characters."
		}
		if utf8.RuneCountInString(v) > maxTagValueLen {
			return "InvalidTagValueLength", "The tag value " + strconvQuote(v) + " of the tag " + strconvQuote(k) + " exceeds the maximum length of 256 characters."
		}
	}
	return "", ""
}

// putGroup creates or updates a resource group: PUT replaces tags and needs a location,
// PATCH changes only what it names.
func (s *Server) putGroup(w http.ResponseWriter, r *http.Request, sub *subRec, name string, location *string, tags map[string]string, managedBy *string) {
	key, lname := strings.ToLower(sub.ID), strings.ToLower(name)
	s.mu.Lock()
	g, exists := s.groups[key][lname]
	var errCode, errMsg string
	status := http.StatusOK
	switch {
	case !exists && r.Method == http.MethodPatch:
		status, errCode, errMsg = http.StatusNotFound, "ResourceGroupNotFound", "Resource group '"+name+"' could not be found."
	case !exists && (location == nil || normalizeLocation(*location) == ""):
		status, errCode, errMsg = http.StatusBadRequest, "LocationRequired", "The location property is required for this definition."
	case exists && location != nil && normalizeLocation(*location) != g.Location:
		status, errCode, errMsg = http.StatusConflict, "InvalidResourceGroupLocation", "Invalid resource group location '"+normalizeLocation(*location)+"'. The Resource group already exists in location '"+g.Location+"'."
	case !exists && len(s.groups[key]) >= maxResourceGroups:
		status, errCode, errMsg = http.StatusBadRequest, "ResourceGroupQuotaExceeded", "Creating the resource group would exceed the quota of 980 resource groups per subscription."
	case !exists:
		if s.groups[key] == nil {
			s.groups[key] = map[string]*resourceGroup{}
		}
		g = &resourceGroup{Name: name, Location: normalizeLocation(*location)}
		s.groups[key][lname] = g
		status = http.StatusCreated
	}
	var cp resourceGroup
	if errCode == "" {
		if tags != nil || r.Method == http.MethodPut {
			g.Tags = tags
		}
		if managedBy != nil {
			g.ManagedBy = *managedBy
		}
		cp = *g
	}
	s.mu.Unlock()
	if errCode != "" {
		writeARMError(w, status, errCode, errMsg)
		return
	}
	writeJSON(w, status, groupJSON(sub.ID, &cp))
}
