// Package ciwf generates the GitHub Actions workflow of an estate: on pull
// requests that touch the estate, a matrix job plans every environment and
// puts `infractl plan --output markdown` in the job summary, with the plan
// files uploaded as artifacts; on pushes to main, one job per environment
// applies it, in the order infractl.hcl declares (each job needs the jobs
// of the environments it depends_on), protected environments behind a
// GitHub environment of the same name (whose required reviewers gate the
// job), and a concurrency group per environment so that two runs never
// apply one environment at once.
//
// Generation is a pure function of the estate and Options, and its output
// is deterministic, so `infractl ci github --check` can compare it with
// the file in the repository. The first lines of a generated file mark it
// (Marker) and name the estate it was made from, so `infractl env new` can
// find and regenerate it.
package ciwf
