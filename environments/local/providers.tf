# Every service the local stage uses points at moto. API Gateway, Lambda, Amplify, WAF,
# Rekognition and Textract are not created here: the local stage serves the handlers itself and
# the project's emulator answers Rekognition/Textract.
provider "aws" {
  region                      = "us-east-1"
  access_key                  = "test"
  secret_key                  = "test"
  s3_use_path_style           = true
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true
  skip_region_validation      = true

  endpoints {
    cloudwatch      = var.moto_endpoint
    cloudwatchlogs  = var.moto_endpoint
    cognitoidentity = var.moto_endpoint
    cognitoidp      = var.moto_endpoint
    dynamodb        = var.moto_endpoint
    iam             = var.moto_endpoint
    kms             = var.moto_endpoint
    s3              = var.moto_endpoint
    secretsmanager  = var.moto_endpoint
    sns             = var.moto_endpoint
    sqs             = var.moto_endpoint
    sts             = var.moto_endpoint
  }

  default_tags {
    tags = {
      project     = "lendverify"
      environment = "local"
      owner       = "local-developer"
    }
  }
}
