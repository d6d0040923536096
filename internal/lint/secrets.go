package lint

import (
	"bytes"
	"fmt"
	"math"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// secretPattern is a token format that is a secret wherever it appears.
type secretPattern struct {
	what string
	// markers are literal substrings every match contains; files without
	// any are not searched with the regular expression at all.
	markers []string
	re      *regexp.Regexp
}

var secretPatterns = []secretPattern{
	{"an AWS access key ID", []string{"AKIA", "ASIA"}, regexp.MustCompile(`\b(?:AKIA|ASIA)[A-Z0-9]{16}\b`)},
	{"a private key", []string{"PRIVATE KEY"}, regexp.MustCompile(`-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----`)},
	{"a GitHub token", []string{"gh", "github_pat_"}, regexp.MustCompile(`\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})\b`)},
	{"a Slack token", []string{"xox"}, regexp.MustCompile(`\bxox[abposr]-[A-Za-z0-9-]{10,}`)},
	{"a Google API key", []string{"AIza"}, regexp.MustCompile(`\bAIza[0-9A-Za-z_-]{35}\b`)},
	{"a Stripe secret key", []string{"k_live_"}, regexp.MustCompile(`\b[sr]k_live_[0-9A-Za-z]{24,}\b`)},
}

// present reports whether src holds one of the pattern's markers.
func (p secretPattern) present(src []byte) bool {
	for _, m := range p.markers {
		if bytes.Contains(src, []byte(m)) {
			return true
		}
	}
	return false
}

// secretWords are name tokens that make a value a credential.
var secretWords = setOf("password", "passwd", "pwd", "passphrase", "secret", "secrets", "token", "tokens",
	"credential", "credentials", "apikey", "privatekey", "secretkey", "accesskey")

// keyQualifiers are the words that make "<word>_key" a credential.
var keyQualifiers = setOf("api", "access", "secret", "private", "master", "encryption", "signing", "client",
	"auth", "account", "admin", "license", "service", "customer", "shared", "webhook")

// notSecretWords are name tokens that say the value only names or points at
// a secret.
var notSecretWords = setOf("name", "names", "arn", "arns", "id", "ids", "file", "path", "paths", "length",
	"type", "version", "description", "rotation", "enabled", "ttl", "url", "uri", "endpoint", "public", "policy", "kms")

// secretName reports whether name is the name of a credential.
func secretName(name string) bool {
	tokens := nameTokens(name)
	hit := false
	for i, t := range tokens {
		if notSecretWords[t] {
			return false
		}
		if secretWords[t] || (t == "key" && i > 0 && keyQualifiers[tokens[i-1]]) {
			hit = true
		}
	}
	return hit
}

// referencePrefixes mark strings that point at a secret stored elsewhere.
var referencePrefixes = []string{"arn:", "vault:", "ssm:", "secretsmanager:", "projects/", "http://", "https://", "file://", "data."}

// looksSecret reports whether a literal assigned to a credential name is a
// real value: long enough, varied enough, and not a reference or an obvious
// placeholder.
func looksSecret(s string) bool {
	if utf8.RuneCountInString(s) < 8 || strings.ContainsAny(s, " \n") {
		return false
	}
	low := strings.ToLower(s)
	for _, p := range referencePrefixes {
		if strings.HasPrefix(low, p) {
			return false
		}
	}
	for _, p := range []string{"changeme", "example", "placeholder", "replace", "xxxx", "dummy", "redacted", "<", "${"} {
		if strings.Contains(low, p) {
			return false
		}
	}
	classes := 0
	for _, is := range []func(rune) bool{unicode.IsLower, unicode.IsUpper, unicode.IsDigit, func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSymbol(r) }} {
		if strings.IndexFunc(s, is) >= 0 {
			classes++
		}
	}
	return classes >= 2 && entropy(s) >= 3.0
}

// entropy is the Shannon entropy of s in bits per character.
func entropy(s string) float64 {
	counts := map[rune]int{}
	n := 0
	for _, r := range s {
		counts[r]++
		n++
	}
	h := 0.0
	for _, c := range counts {
		p := float64(c) / float64(n)
		h -= p * math.Log2(p)
	}
	return h
}

// redact shows a secret as its first four characters and its length.
func redact(s string) string {
	runes := []rune(s)
	head := runes
	if len(head) > 4 {
		head = head[:4]
	}
	return fmt.Sprintf("%q… (%d characters)", string(head), len(runes))
}

// secrets reports literals in one file that look like secrets.
func (l *linter) secrets(sf *sourceFile) {
	lines := map[int]bool{}
	count := map[string]int{}
	var patterns []secretPattern
	for _, p := range secretPatterns {
		if p.present(sf.src) {
			patterns = append(patterns, p)
		}
	}
	lineNo := 1
	for _, line := range bytes.Split(sf.src, []byte("\n")) {
		if len(patterns) == 0 {
			break
		}
		for _, p := range patterns {
			for _, m := range p.re.FindAllIndex(line, -1) {
				col := utf8.RuneCount(line[:m[0]]) + 1
				s := string(line[m[0]:m[1]])
				loc := Location{File: sf.rel, Line: lineNo, Column: col, EndLine: lineNo, EndColumn: col + utf8.RuneCountInString(s)}
				if strings.Contains(s, "EXAMPLE") {
					continue
				}
				count[p.what]++
				lines[lineNo] = true
				l.add(newFinding(RuleSecretLiteral, sf.env, loc, fmt.Sprintf("pattern:%s:%d", p.what, count[p.what]),
					fmt.Sprintf("a literal looks like %s: %s", p.what, redact(s)), ""))
			}
		}
		lineNo++
	}
	if sf.body == nil {
		return
	}
	var walk func(body *hclsyntax.Body, blockLabel string, isVariable bool)
	walk = func(body *hclsyntax.Body, blockLabel string, isVariable bool) {
		for _, a := range sortedAttrs(body) {
			name := a.Name
			if isVariable {
				if a.Name != "default" {
					continue
				}
				name = blockLabel
			}
			syntaxLeaves(a.Expr, []string{name}, func(lf leaf) {
				s, ok := asString(lf.value)
				if !ok || lines[lf.rng.Start.Line] || !secretName(lf.name()) || !looksSecret(s) {
					return
				}
				lines[lf.rng.Start.Line] = true
				l.add(newFinding(RuleSecretLiteral, sf.env, locationOf(lf.rng, ""), "name:"+dotted(lf.path),
					fmt.Sprintf("%s is set to a literal that looks like a secret: %s", dotted(lf.path), redact(s)), ""))
			})
		}
		for _, b := range body.Blocks {
			label := ""
			if len(b.Labels) > 0 {
				label = b.Labels[0]
			}
			walk(b.Body, label, b.Type == "variable" && body == sf.body)
		}
	}
	walk(sf.body, "", false)
}
