package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/infractl/infractl/internal/cloud/aws"
)

func newBootstrapCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bootstrap",
		Short: "Create the resources that hold Terraform state",
	}
	cmd.AddCommand(newBootstrapS3Command(a))
	return cmd
}

func newBootstrapS3Command(a *app) *cobra.Command {
	var (
		opts          aws.BootstrapOptions
		endpoint      string
		writeBackends bool
		skipChecks    bool
	)
	cmd := &cobra.Command{
		Use:   "s3 --bucket B --region R [--table T] [--kms-key KEY]",
		Short: "Create, or verify and repair, an S3 state bucket (and DynamoDB lock table)",
		Long: `Make sure the state bucket is what Terraform state needs: versioning enabled
(every state version kept), default encryption (aws:kms with --kms-key, else
AES256), all four public access blocks, and a bucket policy that denies non-TLS
access; with --table, a DynamoDB lock table with on-demand billing and the string
hash key LockID. Missing pieces are created, wrong ones repaired; a second run
changes nothing and says so item by item. A bucket that belongs to another account
or cannot be read is refused. --dry-run only reports.

With --write-backends, every environment's backend.tf gets (or has updated) an
s3 backend with its own key <env>/terraform.tfstate, encrypt = true and
use_lockfile = true (and dynamodb_table with --table); other files are left
untouched. Environments whose state moves need 'terraform init -migrate-state'.

Credentials come from the normal AWS chain. --endpoint points every service at
an S3-compatible store or a local emulator (path-style addressing).`,
		Example: `  infractl bootstrap s3 --bucket acme-tfstate --region eu-west-1 --dry-run
  infractl bootstrap s3 --bucket acme-tfstate --region eu-west-1 --kms-key alias/tfstate --write-backends`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, err := a.format("table", "json")
			if err != nil {
				return err
			}
			if opts.Bucket == "" || opts.Region == "" {
				return errors.New("--bucket and --region are required")
			}
			if endpoint != "" {
				opts.Endpoints = aws.AllEndpoints(endpoint)
				opts.UsePathStyle = true
			}
			report, berr := aws.Bootstrap(cmd.Context(), opts)
			var writes []aws.BackendWrite
			if berr == nil && writeBackends {
				e, err := a.loadEstate()
				if err != nil {
					return err
				}
				writes, berr = aws.WriteBackends(e, aws.BackendsOptions{
					Bucket: opts.Bucket, Region: opts.Region, Table: opts.Table, KMSKey: opts.KMSKey,
					Endpoints: opts.Endpoints, UsePathStyle: opts.UsePathStyle, SkipAWSChecks: skipChecks, DryRun: opts.DryRun,
				})
			}
			out := cmd.OutOrStdout()
			if format == "json" {
				doc := map[string]any{"bootstrap": report, "backends": writes}
				if berr != nil {
					doc["error"] = berr.Error()
				}
				if err := writeJSON(out, doc); err != nil {
					return err
				}
				if berr != nil {
					return exitCode(ExitError) // the error is in the document
				}
				return nil
			}
			writeBootstrap(out, report, writes, berr == nil)
			return berr
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Bucket, "bucket", "", "state bucket name")
	f.StringVar(&opts.Region, "region", "", "AWS region of the bucket")
	f.StringVar(&opts.Table, "table", "", "DynamoDB lock table (optional; Terraform >= 1.10 can lock with use_lockfile alone)")
	f.StringVar(&opts.KMSKey, "kms-key", "", "KMS key ARN or alias for default encryption (default AES256)")
	f.StringVar(&opts.Profile, "profile", "", "AWS shared-config profile")
	f.StringVar(&endpoint, "endpoint", "", "endpoint URL of an S3-compatible store or emulator")
	f.BoolVar(&opts.DryRun, "dry-run", false, "report what would change without changing anything")
	f.BoolVar(&writeBackends, "write-backends", false, "write the s3 backend block into every environment")
	f.BoolVar(&skipChecks, "skip-aws-checks", false, "with --write-backends: add skip_credentials_validation and friends, for stores without STS/IAM")
	return cmd
}

func writeBootstrap(w io.Writer, r *aws.BootstrapReport, writes []aws.BackendWrite, ok bool) {
	if r != nil && len(r.Items) > 0 {
		title := fmt.Sprintf("Bucket %s (%s)", r.Bucket, r.Region)
		if r.DryRun {
			title += " — dry run, nothing changed"
		}
		fmt.Fprintln(w, title)
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ITEM\tSTATUS\tDETAIL")
		for _, it := range r.Items {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", it.Name, it.Status, it.Detail)
		}
		tw.Flush()
		if ok && !r.Changed() && !r.DryRun {
			fmt.Fprintln(w, "Nothing changed: everything was already correct.")
		}
	}
	if len(writes) > 0 {
		fmt.Fprintln(w)
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ENV\tFILE\tSTATUS\tKEY\tNOTE")
		for _, b := range writes {
			note := b.Reason
			if b.NeedsMigration {
				note = strings.TrimSpace(note + " then run `infractl init " + b.Environment + " --migrate-state` to move its state")
			}
			status := b.Status
			if r != nil && r.DryRun {
				status = "would be " + status
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", b.Environment, b.File, status, b.Key, note)
		}
		tw.Flush()
	}
}
