"""The smoke test of a LendVerify stage (`make smoke`, `make smoke-local`).

Standard library only, so a deploy job needs nothing but Python 3.10+ to run it against AWS;
`local_stage` (the local stage's throwaway Cognito user) is the one module that uses boto3.
"""
