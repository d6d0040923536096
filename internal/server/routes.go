package server

import (
	"net/http"
	"strings"

	"github.com/infractl/infractl/internal/statestore"
)

// Access is what a route does to the server's data, declared on every
// route so that an authorization middleware (issue 4: tokens with scopes)
// decides from one field instead of from methods and paths.
type Access int

// The kinds of access a route needs.
const (
	// AccessPublic routes (/healthz, /metrics) reveal no state.
	AccessPublic Access = iota
	// AccessRead routes read states, their history and locks.
	AccessRead
	// AccessLock routes take and release locks (LOCK, UNLOCK).
	AccessLock
	// AccessWrite routes change states: write, delete, roll back.
	AccessWrite
)

// String names the access for logs and error messages.
func (a Access) String() string {
	switch a {
	case AccessPublic:
		return "public"
	case AccessRead:
		return "read"
	case AccessLock:
		return "lock"
	case AccessWrite:
		return "write"
	default:
		return "unknown"
	}
}

// Route is the route a request matched, available to middlewares through
// RouteOf: its pattern (the metrics label and log key, never a raw path),
// the access it needs, and the state it addresses.
type Route struct {
	// Pattern is the route, e.g. "LOCK /v1/states/{name}/lock".
	Pattern string
	// Access is what the route does.
	Access Access
	// Protocol is true for Terraform's http backend protocol routes, whose
	// lock conflicts answer with the holder's LockInfo as the whole body.
	Protocol bool
	// State is the state name, empty for routes on no state.
	State string
}

// routeUnmatched labels requests that matched no route, so a scan of
// random paths adds one metrics series, not one per path.
const routeUnmatched = "unmatched"

// statesPrefix is where states live in the URL space.
const statesPrefix = "/v1/states/"

// Sub-resources of a state: the last path segments after the state's name.
const (
	kindState    = ""
	kindLock     = "lock"
	kindVersions = "versions"
	kindVersion  = "versions/{serial}"
	kindDiff     = "diff"
	kindRollback = "rollback"
)

// stateHandler serves one route on a state; name is validated, arg is the
// serial of versions/SERIAL.
type stateHandler func(w http.ResponseWriter, r *http.Request, name, arg string)

// stateRoute is a route on a state, after the path was split.
type stateRoute struct {
	route   Route
	handler http.Handler
}

type methodKind struct{ method, kind string }

// routes builds the handler: observe (request ID, metrics, access log)
// around the path check and the mux. Every route's own handler is wrapped
// in the server's middlewares after the route is resolved (see protect).
func (s *Server) routes() http.Handler {
	s.mux = http.NewServeMux()
	s.handle("GET /healthz", AccessPublic, http.HandlerFunc(s.handleHealth))
	s.handle("GET /metrics", AccessPublic, s.metrics.handler())
	s.handle("GET /v1/states", AccessRead, http.HandlerFunc(s.handleListStates))
	s.handle("GET /v1/locks", AccessRead, http.HandlerFunc(s.handleListLocks))

	// Terraform's http backend protocol (address = /v1/states/NAME,
	// lock_address = unlock_address = /v1/states/NAME/lock). POST and
	// DELETE stand in for LOCK and UNLOCK for proxies that drop unknown
	// methods; PUT for update_method = "PUT".
	s.stateRoute("GET", kindState, AccessRead, true, s.handleGetState)
	s.stateRoute("POST", kindState, AccessWrite, true, s.handleWriteState)
	s.stateRoute("PUT", kindState, AccessWrite, true, s.handleWriteState)
	s.stateRoute("DELETE", kindState, AccessWrite, true, s.handleDeleteState)
	s.stateRoute("LOCK", kindLock, AccessLock, true, s.handleLock)
	s.stateRoute("POST", kindLock, AccessLock, true, s.handleLock)
	s.stateRoute("UNLOCK", kindLock, AccessLock, true, s.handleUnlock)
	s.stateRoute("DELETE", kindLock, AccessLock, true, s.handleUnlock)

	// The JSON API on one state.
	s.stateRoute("GET", kindLock, AccessRead, false, s.handleGetLock)
	s.stateRoute("GET", kindVersions, AccessRead, false, s.handleListVersions)
	s.stateRoute("GET", kindVersion, AccessRead, false, s.handleGetVersion)
	s.stateRoute("GET", kindDiff, AccessRead, false, s.handleDiff)
	s.stateRoute("POST", kindRollback, AccessWrite, false, s.handleRollback)

	for _, m := range []string{"GET", "POST", "PUT", "DELETE", "LOCK", "UNLOCK"} {
		s.mux.HandleFunc(m+" "+statesPrefix+"{path...}", s.serveStatePath)
	}
	s.mux.HandleFunc(statesPrefix+"{path...}", s.serveStatePath) // other methods: 405
	s.mux.HandleFunc("/", s.handleNotFound)
	return s.observe(http.HandlerFunc(s.serveMux))
}

// handle registers a route that addresses no state.
func (s *Server) handle(pattern string, access Access, h http.Handler) {
	rt := Route{Pattern: pattern, Access: access}
	inner := s.protect(h)
	s.mux.Handle(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		stateOf(r).route = rt
		inner.ServeHTTP(w, r)
	}))
}

// stateRoute registers a route on a state's sub-resource kind.
func (s *Server) stateRoute(method, kind string, access Access, protocol bool, h stateHandler) {
	pattern := method + " " + statesPrefix + "{name}"
	if kind != kindState {
		pattern += "/" + kind
	}
	s.states[methodKind{method, kind}] = &stateRoute{
		route: Route{Pattern: pattern, Access: access, Protocol: protocol},
		handler: s.protect(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			st := stateOf(r)
			h(w, r, st.route.State, st.arg)
		})),
	}
}

// protect wraps a route's handler in the server's middlewares, outermost
// first. They run after the route is resolved, so RouteOf tells them the
// pattern, access and state; this is where issue 4's authentication and
// scope checks plug in.
func (s *Server) protect(h http.Handler) http.Handler {
	for i := len(s.middleware) - 1; i >= 0; i-- {
		h = s.middleware[i](h)
	}
	return h
}

// serveMux refuses state paths that the mux would redirect ("a//b",
// "a/./b", "a/../b") with the name's reason, then hands over to the mux.
// A redirect would turn Terraform's POST into a GET, and would hide the
// name the user actually configured.
func (s *Server) serveMux(w http.ResponseWriter, r *http.Request) {
	if p, ok := strings.CutPrefix(r.URL.Path, statesPrefix); ok && !cleanStatePath(p) {
		stateOf(r).route.Pattern = statesPrefix + "{path...}"
		s.writeError(w, r, nameError(p))
		return
	}
	s.mux.ServeHTTP(w, r)
}

// cleanStatePath reports whether p has no empty, "." or ".." segment.
func cleanStatePath(p string) bool {
	for seg := range strings.SplitSeq(p, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return false
		}
	}
	return true
}

// nameError returns ValidateName's refusal of name, or a generic one.
func nameError(name string) error {
	if err := statestore.ValidateName(name); err != nil {
		return err
	}
	return &statestore.NameError{Name: name, Reason: "not a valid state path"}
}

// serveStatePath splits /v1/states/{path...} into a state name and the
// sub-resource after it (lock, versions, versions/SERIAL, diff, rollback),
// picks the route for the method and validates the name. A path whose
// method has no route for its sub-resource is taken whole as a state name,
// so `PUT /v1/states/prod/lock` is refused with the reason the name
// "prod/lock" is reserved rather than with a bare 405.
func (s *Server) serveStatePath(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	p := r.PathValue("path")
	name, kind, arg := splitStatePath(p)
	method := r.Method
	if method == http.MethodHead {
		method = http.MethodGet
	}
	sr := s.states[methodKind{method, kind}]
	if sr == nil {
		st.route.Pattern = statesPrefix + "{path...}"
		if err := statestore.ValidateName(p); err != nil {
			s.writeError(w, r, err)
			return
		}
		w.Header().Set("Allow", s.allowed(kind))
		writeJSON(w, http.StatusMethodNotAllowed, errorBody(st,
			r.Method+" is not allowed on "+r.URL.Path+"; LOCK and UNLOCK go to "+statesPrefix+p+"/lock"))
		return
	}
	st.route = sr.route
	st.route.State = name
	st.arg = arg
	if err := statestore.ValidateName(name); err != nil {
		s.writeError(w, r, err)
		return
	}
	sr.handler.ServeHTTP(w, r)
}

// splitStatePath separates a state path into the state's name, the
// sub-resource kind its last segments name, and the serial of
// versions/SERIAL. A name that itself ends in a
// reserved word cannot be addressed; statestore.ValidateName refuses such
// names so that this split is never ambiguous.
func splitStatePath(p string) (name, kind, arg string) {
	i := strings.LastIndexByte(p, '/')
	if i < 0 {
		return p, kindState, ""
	}
	head, last := p[:i], p[i+1:]
	switch last {
	case kindLock, kindVersions, kindDiff, kindRollback:
		return head, last, ""
	}
	if j := strings.LastIndexByte(head, '/'); j >= 0 && head[j+1:] == kindVersions {
		return head[:j], kindVersion, last
	}
	return p, kindState, ""
}

// allowed lists the methods with a route on a state sub-resource kind, for
// the Allow header of a 405.
func (s *Server) allowed(kind string) string {
	var ms []string
	for _, m := range []string{"GET", "HEAD", "POST", "PUT", "DELETE", "LOCK", "UNLOCK"} {
		q := m
		if m == "HEAD" {
			q = "GET"
		}
		if s.states[methodKind{q, kind}] != nil {
			ms = append(ms, m)
		}
	}
	return strings.Join(ms, ", ")
}

// handleNotFound answers paths that match no route with a JSON 404.
func (s *Server) handleNotFound(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusNotFound, errorBody(stateOf(r), "no route for "+r.Method+" "+r.URL.Path))
}
