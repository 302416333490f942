"""Code written by hand beside the generated SDK: gen never writes or removes a file here.

gen.yaml's `extend` makes `client.chat` an `extra.chat.Chat`, the generated `Chat` plus the structured-output
methods (`parse`, `parse_async`, `parse_stream`, `parse_stream_async`). This module stays empty so that importing
the SDK, which finds `extra.chat` lazily, costs nothing more.
"""
