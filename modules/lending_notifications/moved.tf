# The topic, the queue and the DLQ moved into modules/topic_queue (shared with
# decision_events): the same resources under a new address, so existing states move them
# instead of destroying queued completions.
moved {
  from = aws_sns_topic.this
  to   = module.topic_queue.aws_sns_topic.this
}

moved {
  from = aws_sns_topic_policy.this
  to   = module.topic_queue.aws_sns_topic_policy.this
}

moved {
  from = aws_sqs_queue.this
  to   = module.topic_queue.aws_sqs_queue.this
}

moved {
  from = aws_sqs_queue.dlq
  to   = module.topic_queue.aws_sqs_queue.dlq
}

moved {
  from = aws_sqs_queue_redrive_allow_policy.dlq
  to   = module.topic_queue.aws_sqs_queue_redrive_allow_policy.dlq
}

moved {
  from = aws_sqs_queue_policy.this
  to   = module.topic_queue.aws_sqs_queue_policy.this
}

moved {
  from = aws_sns_topic_subscription.queue
  to   = module.topic_queue.aws_sns_topic_subscription.queue
}
