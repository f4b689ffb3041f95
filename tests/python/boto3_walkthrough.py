"""boto3 against a running kms-wasm server (run by tests/js/cli-tools.test.mjs with .tools/venv).

The endpoint comes from KMS_ENDPOINT when set (passed as endpoint_url), otherwise from boto3's own
AWS_ENDPOINT_URL_KMS support. Credentials and Region come from the environment, as for any tool.
Prints "boto3 OK" on success; any failed check raises.
"""
import os

import boto3
from botocore.exceptions import ClientError

endpoint = os.environ.get("KMS_ENDPOINT")
kms = boto3.client("kms", **({"endpoint_url": endpoint} if endpoint else {}))

key = kms.create_key(Description="boto3 key")["KeyMetadata"]
assert key["KeySpec"] == "SYMMETRIC_DEFAULT", key
assert key["Arn"].startswith("arn:aws:kms:eu-west-2:111122223333:key/"), key["Arn"]
assert hasattr(key["CreationDate"], "year"), "timestamps parse as datetime"

ctx = {"app": "boto3"}
blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"hello kms world!", EncryptionContext=ctx)["CiphertextBlob"]
out = kms.decrypt(CiphertextBlob=blob, EncryptionContext=ctx)
assert out["Plaintext"] == b"hello kms world!", out
assert out["KeyId"] == key["Arn"], out

dk = kms.generate_data_key(KeyId=key["KeyId"], KeySpec="AES_256")
assert len(dk["Plaintext"]) == 32
assert kms.decrypt(CiphertextBlob=dk["CiphertextBlob"])["Plaintext"] == dk["Plaintext"]
wrapped = kms.generate_data_key_without_plaintext(KeyId=key["KeyId"], KeySpec="AES_128")["CiphertextBlob"]
assert len(kms.decrypt(CiphertextBlob=wrapped)["Plaintext"]) == 16

kms.create_alias(AliasName="alias/boto3", TargetKeyId=key["KeyId"])
assert kms.encrypt(KeyId="alias/boto3", Plaintext=b"x")["KeyId"] == key["Arn"]

for _ in range(3):
    kms.create_key()
listed = [k["KeyId"] for page in kms.get_paginator("list_keys").paginate(PaginationConfig={"PageSize": 1}) for k in page["Keys"]]
assert key["KeyId"] in listed and len(listed) >= 4, listed
aliases = [a["AliasName"] for page in kms.get_paginator("list_aliases").paginate() for a in page["Aliases"]]
assert "alias/boto3" in aliases, aliases

try:
    kms.describe_key(KeyId="alias/missing")
    raise AssertionError("expected NotFoundException")
except kms.exceptions.NotFoundException as err:
    assert err.response["Error"]["Code"] == "NotFoundException"
    assert err.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert len(err.response["ResponseMetadata"]["RequestId"]) == 36
    assert "alias/missing is not found" in err.response["Error"]["Message"]

kms.disable_key(KeyId=key["KeyId"])
try:
    kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")
    raise AssertionError("expected DisabledException")
except ClientError as err:
    assert err.response["Error"]["Code"] == "DisabledException", err.response

print("boto3 OK")
