package aws

import (
	"context"
	"fmt"
	"strings"
	"time"

	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// tableWait bounds how long Bootstrap waits for a new table to be ACTIVE.
const tableWait = 5 * time.Minute

// ensureTable makes sure the lock table exists with the key Terraform
// needs (string hash key LockID, no sort key) and on-demand billing.
func (bs *bootstrapper) ensureTable(ctx context.Context) error {
	name := bs.opts.Table
	out, err := bs.c.ddb.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: &name})
	if err != nil {
		if !isCode(err, "ResourceNotFoundException") {
			return fmt.Errorf("checking DynamoDB table %s: %w", name, denied("DynamoDB table "+name, "DescribeTable", "dynamodb:DescribeTable", err))
		}
		if bs.opts.DryRun {
			bs.r.add(ItemLockTable, StatusWouldCreate, "does not exist; hash key LockID (S), on-demand billing")
			return nil
		}
		return bs.createTable(ctx)
	}
	t := out.Table
	if problem := keySchemaProblem(t); problem != "" {
		bs.r.add(ItemLockTable, StatusCannotRepair,
			"%s; Terraform needs a string hash key named LockID and no sort key, and a key schema cannot be changed: "+
				"pass another --table name, or delete table %s (after checking nothing else uses it) and run again", problem, name)
		return fmt.Errorf("DynamoDB table %s: %s: %w", name, problem, ErrCannotRepair)
	}
	bs.r.add(ItemLockTable, StatusOK, "exists with hash key LockID (S)")

	if t.BillingModeSummary != nil && t.BillingModeSummary.BillingMode == ddbtypes.BillingModePayPerRequest {
		bs.r.add(ItemLockTableMode, StatusOK, "on-demand (PAY_PER_REQUEST)")
		return nil
	}
	if bs.opts.DryRun {
		bs.r.add(ItemLockTableMode, StatusWouldRepair, "was provisioned; set to on-demand (PAY_PER_REQUEST)")
		return nil
	}
	if _, err := bs.c.ddb.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: &name, BillingMode: ddbtypes.BillingModePayPerRequest}); err != nil {
		return fmt.Errorf("setting on-demand billing on DynamoDB table %s: %w", name, denied("DynamoDB table "+name, "UpdateTable", "dynamodb:UpdateTable", err))
	}
	bs.r.add(ItemLockTableMode, StatusRepaired, "was provisioned; set to on-demand (PAY_PER_REQUEST)")
	return nil
}

func (bs *bootstrapper) createTable(ctx context.Context) error {
	name := bs.opts.Table
	_, err := bs.c.ddb.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            &name,
		BillingMode:          ddbtypes.BillingModePayPerRequest,
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: awsv2.String("LockID"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: awsv2.String("LockID"), KeyType: ddbtypes.KeyTypeHash}},
	})
	if err != nil {
		return fmt.Errorf("creating DynamoDB table %s: %w", name, denied("DynamoDB table "+name, "CreateTable", "dynamodb:CreateTable", err))
	}
	w := dynamodb.NewTableExistsWaiter(bs.c.ddb, func(o *dynamodb.TableExistsWaiterOptions) { o.MinDelay = time.Second })
	if err := w.Wait(ctx, &dynamodb.DescribeTableInput{TableName: &name}, tableWait); err != nil {
		return fmt.Errorf("waiting for DynamoDB table %s to become active: %w", name, err)
	}
	bs.r.add(ItemLockTable, StatusCreated, "hash key LockID (S)")
	bs.r.add(ItemLockTableMode, StatusCreated, "on-demand (PAY_PER_REQUEST)")
	return nil
}

// keySchemaProblem says what is wrong with a table's key for Terraform's
// locks, "" when it is right.
func keySchemaProblem(t *ddbtypes.TableDescription) string {
	var keys []string
	for _, k := range t.KeySchema {
		keys = append(keys, fmt.Sprintf("%s (%s)", awsv2.ToString(k.AttributeName), k.KeyType))
	}
	if len(t.KeySchema) != 1 || awsv2.ToString(t.KeySchema[0].AttributeName) != "LockID" || t.KeySchema[0].KeyType != ddbtypes.KeyTypeHash {
		return "its key is " + strings.Join(keys, ", ")
	}
	for _, a := range t.AttributeDefinitions {
		if awsv2.ToString(a.AttributeName) == "LockID" && a.AttributeType != ddbtypes.ScalarAttributeTypeS {
			return fmt.Sprintf("its LockID key is of type %s, not S (string)", a.AttributeType)
		}
	}
	return ""
}
