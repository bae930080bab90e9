from lendverify_terraform.known_after_apply import fill_plan


def test_fills_only_known_after_apply_nulls_and_resolves_bucket_ids():
    plan = {
        "resource_changes": [
            {"address": "aws_cloudwatch_log_group.g", "mode": "managed", "type": "aws_cloudwatch_log_group", "name": "g",
             "change": {"after": {"kms_key_id": None, "name": "g", "retention_in_days": None},
                        "after_unknown": {"kms_key_id": True}}},
            {"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b",
             "change": {"after": {"bucket": "lendverify-b"}, "after_unknown": {"id": True}}},
        ],
        "planned_values": {"root_module": {"resources": [
            {"address": "aws_cloudwatch_log_group.g", "values": {"kms_key_id": None, "name": "g", "retention_in_days": None}},
        ]}},
        "configuration": {"root_module": {"resources": []}},
    }
    filled, total, _ = fill_plan(plan)
    group = plan["resource_changes"][0]["change"]["after"]
    assert group["kms_key_id"].startswith("known-after-apply:aws_cloudwatch_log_group.g")
    # Unset and not known-after-apply: stays null, so checkov still fails a real omission.
    assert group["retention_in_days"] is None
    assert plan["resource_changes"][1]["change"]["after"]["id"] == "lendverify-b"
    assert plan["planned_values"]["root_module"]["resources"][0]["values"]["kms_key_id"].startswith("known-after-apply:")
    assert (filled, total) == (2, 2)
