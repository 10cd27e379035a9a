# The function examples/lambda_deploy.cpp ships: greets the event's name, with the stage
# from the function's environment.
import json
import os


def handler(event, context):
    name = (event or {}).get("name", "world")
    return {"greeting": "hello " + name, "stage": os.environ.get("STAGE", "")}
