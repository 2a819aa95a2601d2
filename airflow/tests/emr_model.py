"""Checks requests against botocore's own emr-serverless service model, as the AWS CLI does before sending."""

import uuid

import botocore
import botocore.session
from botocore.validate import ParamValidator

_model = None


def model():
    global _model
    if _model is None:
        _model = botocore.session.get_session().get_service_model("emr-serverless")
    return _model


def problems(operation, params):
    """'' when ``params`` are a valid input of ``operation``, else botocore's report of what is wrong.

    Idempotency tokens (StartJobRun's clientToken) are filled in first, as the CLI and boto3 do.
    """
    shape = model().operation_model(operation).input_shape
    full = dict(params)
    for name, member in shape.members.items():
        if member.metadata.get("idempotencyToken") and name not in full:
            full[name] = str(uuid.uuid4())
    report = ParamValidator().validate(full, shape)
    return report.generate_report() if report.has_errors() else ""


def describe():
    return "botocore %s at %s" % (botocore.__version__, botocore.__file__)
