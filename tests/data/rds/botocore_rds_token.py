# Expected RDS IAM authentication tokens for tests/unit/postgres_rds_auth_test.cpp, made
# by botocore with a fixed clock and fixed credentials. Run with the moto venv's python:
#   ~/.cache/cirrus/venv/moto/bin/python tests/data/rds/botocore_rds_token.py
import datetime
from unittest import mock

import botocore
import botocore.session

FIXED = datetime.datetime(2026, 1, 2, 3, 4, 5)
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
CASES = [
    ("us-east-1", "mydb.abc123.us-east-1.rds.amazonaws.com", 5432, "iam_user", None),
    ("eu-west-1", "db.example.com", 5433, "app user@x", "IQoJb3JpZ2luX2VjEXAMPLE/token+with=chars"),
]

print("botocore", botocore.__version__)
for region, host, port, user, token in CASES:
    session = botocore.session.get_session()
    session.set_credentials("AKIDEXAMPLE", SECRET, token)
    client = session.create_client("rds", region_name=region)
    with mock.patch("botocore.auth.get_current_datetime", return_value=FIXED):
        print(client.generate_db_auth_token(host, port, user, Region=region))
