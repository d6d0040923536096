package aws

import (
	"context"
	"fmt"
	"slices"
	"strings"

	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// AccountError refuses to change a state with credentials of an account
// that the backend's allowed_account_ids does not list, or that its
// forbidden_account_ids does, as Terraform refuses to run with them.
type AccountError struct {
	// Account is the credentials' account.
	Account string
	// Allowed and Forbidden are the backend's lists (one is empty).
	Allowed, Forbidden []string
	// Source is the backend block's file:line.
	Source string
}

// Error names the account and the list that refuses it.
func (e *AccountError) Error() string {
	var msg string
	if slices.Contains(e.Forbidden, e.Account) {
		msg = fmt.Sprintf("AWS account %s is in forbidden_account_ids [%s]", e.Account, strings.Join(e.Forbidden, ", "))
	} else {
		msg = fmt.Sprintf("AWS account %s is not in allowed_account_ids [%s]", e.Account, strings.Join(e.Allowed, ", "))
	}
	msg += "; infractl changes nothing with these credentials (check the profile or role in use)"
	if e.Source != "" {
		msg = e.Source + ": " + msg
	}
	return msg
}

// CheckAccount enforces the backend's allowed_account_ids and
// forbidden_account_ids: it returns an *AccountError when the credentials
// belong to an account the lists refuse, and nil when they accept it or
// the backend sets neither (then no request is made). Lock, Unlock,
// UnlockUnreadable and Rollback call it before writing anything; the CLI
// may call it earlier to fail before showing anything. The account is
// asked of STS (sts:GetCallerIdentity) once per Backend; a failure to ask
// is an error too, since the lists cannot be checked without it.
func (b *Backend) CheckAccount(ctx context.Context) error {
	if len(b.cfg.AllowedAccountIDs) == 0 && len(b.cfg.ForbiddenAccountIDs) == 0 {
		return nil
	}
	b.accountMu.Lock()
	defer b.accountMu.Unlock()
	if b.account == "" {
		out, err := b.c.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			return fmt.Errorf("%s: finding your AWS account (sts:GetCallerIdentity) to check allowed_account_ids/forbidden_account_ids: %w", b, err)
		}
		b.account = awsv2.ToString(out.Account)
	}
	refused := slices.Contains(b.cfg.ForbiddenAccountIDs, b.account) ||
		(len(b.cfg.AllowedAccountIDs) > 0 && !slices.Contains(b.cfg.AllowedAccountIDs, b.account))
	if refused {
		return &AccountError{Account: b.account, Allowed: b.cfg.AllowedAccountIDs, Forbidden: b.cfg.ForbiddenAccountIDs, Source: b.cfg.Source}
	}
	return nil
}
