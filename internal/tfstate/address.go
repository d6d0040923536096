package tfstate

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// InstanceAddress returns the absolute address of the resource's instance
// with the given index key as Terraform prints it, such as
// `module.vpc.aws_subnet.private[0]`, `data.aws_ami.ubuntu` or
// `aws_iam_user.u["alice"]`, so diff output can be pasted into
// terraform state commands.
func (r Resource) InstanceAddress(key any) string {
	var b strings.Builder
	if r.Module != "" {
		b.WriteString(r.Module)
		b.WriteByte('.')
	}
	if r.Mode == ModeData {
		b.WriteString("data.")
	}
	b.WriteString(r.Type)
	b.WriteByte('.')
	b.WriteString(r.Name)
	b.WriteString(indexKeyString(key))
	return b.String()
}

// indexKeyString renders an instance key as an address suffix: "" for no
// key, "[0]", or `["key"]` quoted the way Terraform quotes string keys.
func indexKeyString(key any) string {
	switch k := key.(type) {
	case nil:
		return ""
	case int:
		return "[" + strconv.Itoa(k) + "]"
	case float64:
		return "[" + strconv.FormatFloat(k, 'f', -1, 64) + "]"
	case string:
		return "[" + hclQuote(k) + "]"
	default:
		return fmt.Sprintf("[%v]", k)
	}
}

// hclQuote quotes s as an HCL string literal, as Terraform's addrs.StringKey
// does: the usual escapes, \u escapes for unprintable runes, and doubled
// "$" and "%" before "{" so the result is never a template.
func hclQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i, r := range s {
		switch r {
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '$', '%':
			b.WriteRune(r)
			if strings.HasPrefix(s[i+1:], "{") {
				b.WriteRune(r)
			}
		default:
			switch {
			case unicode.IsPrint(r):
				b.WriteRune(r)
			case r < 0x10000:
				fmt.Fprintf(&b, `\u%04x`, r)
			default:
				fmt.Fprintf(&b, `\U%08x`, r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}
