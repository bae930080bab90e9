# The stateful half moved into modules/stateful (one module shared with environments/local): the
# same resources under a new address, so existing states move instead of destroying data.
moved {
  from = module.kms
  to   = module.stateful.module.kms
}

moved {
  from = module.storage
  to   = module.stateful.module.storage
}

moved {
  from = module.tables
  to   = module.stateful.module.tables
}

moved {
  from = module.lending_notifications
  to   = module.stateful.module.lending_notifications
}

moved {
  from = module.identity
  to   = module.stateful.module.identity
}
