# GitHub Actions -> AWS without stored keys: an OIDC identity provider and
# two roles that workflows of one repository can assume.
#   <prefix>-ci-plan   pull requests and main: read state, take the state
#                      lock, read-only describe of what the environments manage.
#   <prefix>-ci-apply  main and the GitHub environments: write state and
#                      create/change/delete what the environments manage.
# Both roles are limited to the environments' state keys. This root is
# applied by an administrator, never by CI: the CI roles cannot change
# their own permissions (see the deny statement in policies.tf).

terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = merge(var.extra_tags, {
      Environment = "shared"
      Project     = "ml-platform"
      ManagedBy   = "terraform"
    })
  }
}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  account   = data.aws_caller_identity.current.account_id
  partition = data.aws_partition.current.partition
  oidc_host = "token.actions.githubusercontent.com"

  oidc_provider_arn = var.create_oidc_provider ? aws_iam_openid_connect_provider.github[0].arn : data.aws_iam_openid_connect_provider.github[0].arn

  # GitHub's `sub` claim: pull requests, the main branch, and jobs that run
  # in a GitHub environment (protected environments apply that way).
  plan_subjects = [
    "repo:${var.github_repository}:pull_request",
    "repo:${var.github_repository}:ref:refs/heads/main",
  ]
  apply_subjects = concat(
    ["repo:${var.github_repository}:ref:refs/heads/main"],
    [for env in var.environments : "repo:${var.github_repository}:environment:${env}"],
  )
}

# An account has at most one provider per URL: set create_oidc_provider =
# false to reuse an existing one. No thumbprint_list: AWS verifies GitHub's
# certificate against its own trusted CAs (the argument is optional in v6).
resource "aws_iam_openid_connect_provider" "github" {
  count = var.create_oidc_provider ? 1 : 0

  url            = "https://${local.oidc_host}"
  client_id_list = ["sts.amazonaws.com"]
}

data "aws_iam_openid_connect_provider" "github" {
  count = var.create_oidc_provider ? 0 : 1

  url = "https://${local.oidc_host}"
}

data "aws_iam_policy_document" "trust" {
  for_each = {
    plan  = local.plan_subjects
    apply = local.apply_subjects
  }

  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [local.oidc_provider_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.oidc_host}:aud"
      values   = ["sts.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.oidc_host}:sub"
      values   = each.value
    }
  }
}

resource "aws_iam_role" "ci" {
  for_each = data.aws_iam_policy_document.trust

  name                 = "${var.name_prefix}-ci-${each.key}"
  description          = "GitHub Actions ${each.key} role of ${var.github_repository}"
  assume_role_policy   = each.value.json
  max_session_duration = 3600
}

resource "aws_iam_policy" "ci" {
  for_each = {
    read  = data.aws_iam_policy_document.read.json
    apply = data.aws_iam_policy_document.apply.json
  }

  name        = "${var.name_prefix}-ci-${each.key}"
  description = "CI ${each.key} permissions of ${var.github_repository}"
  policy      = each.value
}

locals {
  # role => policies: both roles read; only the apply role changes anything.
  attachments = {
    "plan-read"   = { role = "plan", policy = "read" }
    "apply-read"  = { role = "apply", policy = "read" }
    "apply-apply" = { role = "apply", policy = "apply" }
  }
}

resource "aws_iam_role_policy_attachment" "ci" {
  for_each = local.attachments

  role       = aws_iam_role.ci[each.value.role].name
  policy_arn = aws_iam_policy.ci[each.value.policy].arn
}
