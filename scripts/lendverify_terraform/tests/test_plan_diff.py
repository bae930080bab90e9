import pathlib

from lendverify_terraform import plan_diff


def plan(resources):
    return {"planned_values": {"root_module": {"resources": [
        {"address": a, "mode": "managed", "type": a.split(".")[-2], "values": v} for a, v in resources.items()]}},
        "resource_changes": [{"address": a, "mode": "managed", "change": {"after_unknown": {}, "actions": ["create"]}}
                             for a in resources]}


def test_a_moved_resource_with_the_same_values_is_identical():
    before = plan({"module.stack.module.kms.aws_kms_key.this": {"x": 1}})
    after = plan({"module.stack.module.stateful.module.kms.aws_kms_key.this": {"x": 1}})
    moves = {"module.stack.module.kms": "module.stack.module.stateful.module.kms"}
    result = plan_diff.diff_plans(before, after, moves)
    assert result.identical and len(result.moved) == 1


def test_changed_gone_and_new_resources_are_reported():
    before = plan({"aws_s3_bucket.a": {"force_destroy": True}, "aws_sqs_queue.gone": {}})
    after = plan({"aws_s3_bucket.a": {"force_destroy": False}, "aws_sqs_queue.new": {}})
    result = plan_diff.diff_plans(before, after, {})
    assert result.changed == {"aws_s3_bucket.a": ["values.force_destroy"]}
    assert result.only_before == ["aws_sqs_queue.gone"] and result.only_after == ["aws_sqs_queue.new"]
    assert not result.identical


def test_an_ignored_attribute_is_not_compared():
    before = plan({"aws_lambda_function.f": {"filename": "/tmp/a/x.zip", "handler": "h"}})
    after = plan({"aws_lambda_function.f": {"filename": "fixture/x.zip", "handler": "h"}})
    assert plan_diff.diff_plans(before, after, {}, ignore={"aws_lambda_function.filename"}).identical


def test_moves_are_read_from_the_moved_blocks(tmp_path: pathlib.Path):
    (tmp_path / "moved.tf").write_text('moved {\n  from = module.kms\n  to   = module.stateful.module.kms\n}\n')
    assert plan_diff.moves_in(tmp_path, "module.stack.") == {"module.stack.module.kms": "module.stack.module.stateful.module.kms"}


def test_moves_of_called_modules_are_read_under_their_call(tmp_path: pathlib.Path):
    (tmp_path / "root").mkdir()
    (tmp_path / "child").mkdir()
    (tmp_path / "root" / "main.tf").write_text('module "events" {\n  source = "../child"\n}\n')
    (tmp_path / "child" / "moved.tf").write_text(
        'moved {\n  from = aws_sqs_queue.this\n  to   = module.topic_queue.aws_sqs_queue.this\n}\n')
    assert plan_diff.moves_in(tmp_path / "root", "module.stack.") == {
        "module.stack.module.events.aws_sqs_queue.this": "module.stack.module.events.module.topic_queue.aws_sqs_queue.this"}
