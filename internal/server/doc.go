// Package server is infractl's state server over HTTP: Terraform's http
// backend protocol and a JSON API, both thin adapters over
// statestore.Service, which owns every rule. It is what `infractl server`
// and `infractl demo` run; tests start it on 127.0.0.1:0 with a temporary
// data directory.
//
// Routes (docs/api.md has bodies, examples and status codes):
//
//	GET|POST|PUT|DELETE  /v1/states/NAME            Terraform: read, write (?ID=), delete
//	LOCK|UNLOCK          /v1/states/NAME/lock       Terraform: lock, unlock, force-unlock (empty body)
//	POST|DELETE          /v1/states/NAME/lock       the same, for proxies that drop LOCK/UNLOCK
//	GET                  /v1/states                 every state
//	GET                  /v1/locks                  every held lock
//	GET                  /v1/states/NAME/lock       one state's lock
//	GET                  /v1/states/NAME/versions   history, newest first, paged
//	GET                  /v1/states/NAME/versions/SERIAL[?meta=1]  one version's body or metadata
//	GET                  /v1/states/NAME/diff?from=A&to=B          resource-level diff, redacted
//	POST                 /v1/states/NAME/rollback   {"serial":N}
//	GET                  /healthz, /metrics
//
// State names contain slashes, so the router takes /v1/states/{path...}
// and splits the reserved last segments (lock, versions[/SERIAL], diff,
// rollback) itself; statestore.ValidateName refuses names that would make
// that split ambiguous, with the reason, as 400.
//
// The handler chain is: observe (request ID, panic recovery, metrics by
// route pattern, one access log line) -> path check -> ServeMux -> route
// resolution (RouteOf) -> middlewares (Config.Middleware; authentication
// in issue 4) -> handler. Every error goes through one table, statusOf,
// which maps the statestore error kinds to statuses; internal errors are
// logged in full with the request ID and users see only that ID.
package server
