// Package promote moves what was tested in one environment to the next:
// `infractl promote FROM TO` copies, by default, the module source refs
// (git ?ref=) and registry versions of the module calls both environments
// share, and the variables infractl.hcl declares promotable
// (`promote { variables = [...] }`, e.g. model image tags), from FROM's
// configuration into TO's files, changing only the bytes of the values
// that move.
//
// Promotion starts from what runs in FROM, so Check refuses when FROM has
// no apply recorded by infractl, when that apply failed, or when FROM's
// configuration changed after it (its hash differs from the one the apply
// recorded).
package promote
