# Permissions of the CI roles. Regional actions are limited to var.region,
# IAM to roles named <prefix>-* (but never the CI roles themselves), state
# access to the environments' keys in the state bucket.

locals {
  bucket_arn  = "arn:${local.partition}:s3:::${var.state_bucket}"
  state_keys  = [for env in var.environments : "${local.bucket_arn}/${env}/terraform.tfstate"]
  lock_keys   = [for key in local.state_keys : "${key}.tflock"]
  role_arn    = "arn:${local.partition}:iam::${local.account}:role/${var.name_prefix}-*"
  ci_role_arn = "arn:${local.partition}:iam::${local.account}:role/${var.name_prefix}-ci-*"
  aws_policy  = "arn:${local.partition}:iam::aws:policy"
}

# --- State: read + lock (both roles) -----------------------------------------------

data "aws_iam_policy_document" "state_read_and_lock" {
  statement {
    sid       = "ListStateBucket"
    actions   = ["s3:ListBucket"]
    resources = [local.bucket_arn]
  }

  statement {
    sid       = "ReadState"
    actions   = ["s3:GetObject"]
    resources = concat(local.state_keys, local.lock_keys)
  }

  # use_lockfile: the lock is a <key>.tflock object created with
  # If-None-Match and deleted on unlock.
  statement {
    sid       = "StateLock"
    actions   = ["s3:PutObject", "s3:DeleteObject"]
    resources = local.lock_keys
  }

  dynamic "statement" {
    for_each = var.state_kms_key_arn == null ? [] : [var.state_kms_key_arn]

    content {
      sid       = "StateEncryptionKey"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [statement.value]
    }
  }
}

# --- Read-only view of what the environments manage (both roles) --------------------

data "aws_iam_policy_document" "describe" {
  statement {
    sid = "DescribeManagedServices"
    actions = [
      "ec2:Describe*",
      "eks:Describe*",
      "eks:List*",
      "rds:Describe*",
      "rds:ListTagsForResource",
      "logs:Describe*",
      "logs:ListTagsForResource",
      "logs:ListTagsLogGroup",
      "kms:DescribeKey",
      "kms:GetKeyPolicy",
      "kms:GetKeyRotationStatus",
      "kms:ListAliases",
      "kms:ListResourceTags",
      "secretsmanager:DescribeSecret",
    ]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "aws:RequestedRegion"
      values   = [var.region]
    }
  }

  statement {
    sid = "DescribeGlobalServices"
    actions = [
      "iam:GetRole",
      "iam:GetRolePolicy",
      "iam:ListRolePolicies",
      "iam:ListAttachedRolePolicies",
      "iam:ListInstanceProfilesForRole",
      "iam:GetPolicy",
      "iam:GetPolicyVersion",
      "iam:GetOpenIDConnectProvider",
      "route53:GetHostedZone",
      "route53:ListHostedZones",
      "route53:ListHostedZonesByName",
      "route53:ListResourceRecordSets",
      "route53:ListTagsForResource",
      "route53:GetChange",
    ]
    resources = ["*"]
  }
}

# Attached to both roles.
data "aws_iam_policy_document" "read" {
  source_policy_documents = [
    data.aws_iam_policy_document.state_read_and_lock.json,
    data.aws_iam_policy_document.describe.json,
  ]
}

# --- Apply: write state and manage the environments' resources ----------------------

# Attached to the apply role only, on top of "read" (two policies keep each
# under the 6,144-character limit of a managed policy).
data "aws_iam_policy_document" "apply" {
  statement {
    sid       = "WriteState"
    actions   = ["s3:PutObject"]
    resources = local.state_keys
  }

  # VPC, subnets, gateways, routes, security groups, flow logs, EIPs.
  statement {
    sid = "ManageNetwork"
    actions = [
      "ec2:Create*",
      "ec2:Delete*",
      "ec2:Modify*",
      "ec2:Associate*",
      "ec2:Disassociate*",
      "ec2:Allocate*",
      "ec2:Release*",
      "ec2:Attach*",
      "ec2:Detach*",
      "ec2:AuthorizeSecurityGroupIngress",
      "ec2:AuthorizeSecurityGroupEgress",
      "ec2:RevokeSecurityGroupIngress",
      "ec2:RevokeSecurityGroupEgress",
      "ec2:UpdateSecurityGroupRuleDescriptionsIngress",
      "ec2:UpdateSecurityGroupRuleDescriptionsEgress",
      "ec2:ReplaceRoute",
      "ec2:ReplaceRouteTableAssociation",
    ]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "aws:RequestedRegion"
      values   = [var.region]
    }
  }

  # Clusters, node groups, add-ons and access entries named <prefix>-*.
  statement {
    sid = "ManageEKS"
    actions = [
      "eks:CreateCluster",
      "eks:DeleteCluster",
      "eks:UpdateClusterConfig",
      "eks:UpdateClusterVersion",
      "eks:AssociateEncryptionConfig",
      "eks:CreateNodegroup",
      "eks:DeleteNodegroup",
      "eks:UpdateNodegroupConfig",
      "eks:UpdateNodegroupVersion",
      "eks:CreateAddon",
      "eks:DeleteAddon",
      "eks:UpdateAddon",
      "eks:CreateAccessEntry",
      "eks:DeleteAccessEntry",
      "eks:UpdateAccessEntry",
      "eks:AssociateAccessPolicy",
      "eks:DisassociateAccessPolicy",
      "eks:TagResource",
      "eks:UntagResource",
    ]
    resources = ["arn:${local.partition}:eks:${var.region}:${local.account}:*/${var.name_prefix}-*"]
  }

  statement {
    sid = "ManageRDS"
    actions = [
      "rds:CreateDBInstance",
      "rds:DeleteDBInstance",
      "rds:ModifyDBInstance",
      "rds:RebootDBInstance",
      "rds:CreateDBSubnetGroup",
      "rds:DeleteDBSubnetGroup",
      "rds:ModifyDBSubnetGroup",
      "rds:AddTagsToResource",
      "rds:RemoveTagsFromResource",
    ]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "aws:RequestedRegion"
      values   = [var.region]
    }
  }

  # manage_master_user_password: RDS creates and rotates an rds!... secret
  # with the caller's permissions.
  statement {
    sid = "RDSManagedMasterSecret"
    actions = [
      "secretsmanager:CreateSecret",
      "secretsmanager:DeleteSecret",
      "secretsmanager:RotateSecret",
      "secretsmanager:TagResource",
    ]
    resources = ["arn:${local.partition}:secretsmanager:${var.region}:${local.account}:secret:rds!*"]
  }

  statement {
    sid = "ManageLogGroups"
    actions = [
      "logs:CreateLogGroup",
      "logs:DeleteLogGroup",
      "logs:PutRetentionPolicy",
      "logs:DeleteRetentionPolicy",
      "logs:TagResource",
      "logs:UntagResource",
      "logs:TagLogGroup",
      "logs:UntagLogGroup",
    ]
    resources = [
      "arn:${local.partition}:logs:${var.region}:${local.account}:log-group:/aws/eks/${var.name_prefix}-*",
      "arn:${local.partition}:logs:${var.region}:${local.account}:log-group:/aws/vpc/${var.name_prefix}-*",
    ]
  }

  # EKS secrets-encryption keys. CreateGrant is how EKS uses the key on
  # the caller's behalf.
  statement {
    sid = "ManageKMS"
    actions = [
      "kms:CreateKey",
      "kms:CreateAlias",
      "kms:DeleteAlias",
      "kms:UpdateAlias",
      "kms:EnableKeyRotation",
      "kms:ScheduleKeyDeletion",
      "kms:TagResource",
      "kms:UntagResource",
      "kms:CreateGrant",
    ]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "aws:RequestedRegion"
      values   = [var.region]
    }
  }

  statement {
    sid = "InternalDNS"
    actions = [
      "route53:AssociateVPCWithHostedZone",
      "route53:DisassociateVPCFromHostedZone",
      "route53:ChangeResourceRecordSets",
    ]
    resources = ["arn:${local.partition}:route53:::hostedzone/*"]
  }

  # Service roles of the environments (<prefix>-<env>-cluster, -node,
  # -vpc-flow-logs, -rds-monitoring), with only the AWS policies they use.
  statement {
    sid = "ManageServiceRoles"
    actions = [
      "iam:CreateRole",
      "iam:DeleteRole",
      "iam:UpdateRole",
      "iam:UpdateAssumeRolePolicy",
      "iam:TagRole",
      "iam:UntagRole",
      "iam:PutRolePolicy",
      "iam:DeleteRolePolicy",
    ]
    resources = [local.role_arn]
  }

  statement {
    sid       = "AttachAllowedManagedPolicies"
    actions   = ["iam:AttachRolePolicy", "iam:DetachRolePolicy"]
    resources = [local.role_arn]

    condition {
      test     = "ArnEquals"
      variable = "iam:PolicyARN"
      values = [
        "${local.aws_policy}/AmazonEKSClusterPolicy",
        "${local.aws_policy}/AmazonEKSWorkerNodePolicy",
        "${local.aws_policy}/AmazonEKS_CNI_Policy",
        "${local.aws_policy}/AmazonEC2ContainerRegistryReadOnly",
        "${local.aws_policy}/service-role/AmazonRDSEnhancedMonitoringRole",
      ]
    }
  }

  statement {
    sid       = "PassServiceRoles"
    actions   = ["iam:PassRole"]
    resources = [local.role_arn]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values = [
        "eks.amazonaws.com",
        "ec2.amazonaws.com",
        "vpc-flow-logs.amazonaws.com",
        "rds.amazonaws.com",
        "monitoring.rds.amazonaws.com",
      ]
    }
  }

  statement {
    sid       = "ServiceLinkedRoles"
    actions   = ["iam:CreateServiceLinkedRole"]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "iam:AWSServiceName"
      values = [
        "eks.amazonaws.com",
        "eks-nodegroup.amazonaws.com",
        "rds.amazonaws.com",
        "autoscaling.amazonaws.com",
      ]
    }
  }

  # The CI roles match <prefix>-*; never let CI rewrite its own permissions.
  statement {
    sid    = "NoSelfEscalation"
    effect = "Deny"
    actions = [
      "iam:CreateRole",
      "iam:DeleteRole",
      "iam:UpdateRole",
      "iam:UpdateAssumeRolePolicy",
      "iam:PutRolePolicy",
      "iam:DeleteRolePolicy",
      "iam:AttachRolePolicy",
      "iam:DetachRolePolicy",
      "iam:TagRole",
      "iam:UntagRole",
      "iam:PassRole",
    ]
    resources = [local.ci_role_arn]
  }
}
