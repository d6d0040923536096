package plan

// ANSI foreground colors. Every code has the same length so that a column
// whose cells are all painted stays aligned in a tabwriter.
const (
	ansiRed     = "\x1b[31m"
	ansiGreen   = "\x1b[32m"
	ansiYellow  = "\x1b[33m"
	ansiCyan    = "\x1b[36m"
	ansiDefault = "\x1b[39m"
	ansiReset   = "\x1b[0m"
)

// painter colors text only when the caller enabled color (a terminal, no
// NO_COLOR); deciding that is the CLI's job, not this package's.
type painter bool

func (p painter) paint(code, s string) string {
	if !p {
		return s
	}
	return code + s + ansiReset
}
