# The shared aws mock defaults (ARNs, IDs, policy JSON) live in tests/terraform-mocks/aws; source is
# resolved from the module under test, not from this file.
mock_provider "aws" {
  override_during = plan
  source          = "../../tests/terraform-mocks/aws"
}

variables {
  name_prefix       = "lendverify-test"
  primary_origin    = "https://apply.lender.example"
  extra_web_origins = ["http://localhost:5173", "http://127.0.0.1:5173"]
}

run "handler_environment_has_the_readme_defaults" {
  command = plan

  assert {
    condition = (
      output.handler_environment.LIVENESS_PASS_THRESHOLD == "90" &&
      output.handler_environment.LIVENESS_REVIEW_BAND == "10" &&
      output.handler_environment.FACE_SIMILARITY_THRESHOLD == "99" &&
      output.handler_environment.FACE_SIMILARITY_REVIEW_BAND == "4" &&
      output.handler_environment.MIN_EXTRACTION_CONFIDENCE == "90" &&
      output.handler_environment.MINIMUM_AGE == "18" &&
      output.handler_environment.LIVENESS_AUDIT_IMAGES_LIMIT == "4" &&
      output.handler_environment.UPLOAD_URL_TTL_SECONDS == "300" &&
      output.handler_environment.REQUIRED_DOCUMENTS == "URLA_1003,PROOF_OF_INCOME,BANK_STATEMENT,IDENTITY_DOCUMENT"
    )
    error_message = "Threshold defaults must be the ones handlers/README.md names."
  }

  assert {
    condition     = output.handler_environment.ALLOWED_ORIGIN == "https://apply.lender.example"
    error_message = "ALLOWED_ORIGIN is the primary origin."
  }
}

run "loopback_origins_get_cors_but_no_redirect" {
  command = plan

  assert {
    condition     = output.web_origins == ["https://apply.lender.example", "http://localhost:5173", "http://127.0.0.1:5173"]
    error_message = "CORS allows the primary origin first, then every extra origin."
  }

  assert {
    condition     = output.redirect_urls == ["https://apply.lender.example/", "http://localhost:5173/"]
    error_message = "Cognito redirects go to every origin but the 127.0.0.1 ones (Cognito refuses them)."
  }
}

run "a_loopback_primary_origin_is_not_a_redirect" {
  command = plan

  variables {
    primary_origin             = "http://127.0.0.1:8081"
    primary_origin_is_loopback = true
    extra_web_origins          = ["http://localhost:8081"]
  }

  assert {
    condition     = output.redirect_urls == ["http://localhost:8081/"] && output.handler_environment.ALLOWED_ORIGIN == "http://127.0.0.1:8081"
    error_message = "The local stage's 127.0.0.1 origin is ALLOWED_ORIGIN but no Cognito redirect URL."
  }
}

run "review_band_cannot_exceed_threshold" {
  command = plan

  variables {
    thresholds = {
      liveness_pass_threshold = 5
      liveness_review_band    = 10
    }
  }

  expect_failures = [var.thresholds]
}

run "extra_web_origins_are_https_or_loopback" {
  command = plan

  variables {
    extra_web_origins = ["http://evil.example"]
  }

  expect_failures = [var.extra_web_origins]
}
