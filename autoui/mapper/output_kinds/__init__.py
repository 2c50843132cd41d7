"""Output kinds that model servers answer with, one module each: where the reply's schema
says the answer is of that kind (when planning) and how a reply's JSON is read as it (at
run time, for replies whose schema says nothing). No Gradio and no HTTP here: the builder
shows what these find, the dispatcher calls them on a decoded reply.

- `pictures`: generated images inside JSON (OpenAI's `data[].b64_json`/`url`,
  Automatic1111's `images: [base64...]`): one picture, or a gallery of several.
- `vector`: embeddings (OpenAI/Mistral/LocalAI `data[].embedding`, Ollama's `embeddings`,
  TEI's bare list of lists): the numbers, with the dimension; several, a table.
- `tensors`: KServe V2 / MLServer / open inference protocol `outputs` tensors as a table.
- `sound`: a binary reply that the operation says is audio (OpenAI's `/audio/speech` is
  `application/octet-stream` by spec): a player.
"""
