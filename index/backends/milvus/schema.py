"""The three collections of an index generation: the pointer (`{name}_meta`), the chunks (dense
vector, the engine's own BM25 over `text`, filter fields) and the documents."""

from pymilvus import DataType, Function, FunctionType, MilvusClient

from index.backends.milvus.keys import VARCHAR_MAX


def create_collections(
    c: MilvusClient, meta: str, chunks_name: str, docs_name: str, dim: int, index_type: str
) -> None:
    if not c.has_collection(meta):
        schema = c.create_schema(auto_id=False)
        schema.add_field("id", DataType.VARCHAR, is_primary=True, max_length=64)
        schema.add_field("value", DataType.VARCHAR, max_length=VARCHAR_MAX)
        schema.add_field("v", DataType.FLOAT_VECTOR, dim=2)  # Milvus needs one vector field
        params = c.prepare_index_params()
        params.add_index("v", index_type="FLAT", metric_type="L2")
        c.create_collection(meta, schema=schema, index_params=params, consistency_level="Strong")

    schema = c.create_schema(auto_id=False)
    schema.add_field("key", DataType.VARCHAR, is_primary=True, max_length=128)
    schema.add_field("doc_id", DataType.VARCHAR, max_length=2048)
    schema.add_field("nid", DataType.VARCHAR, max_length=2200)  # the node's own id
    schema.add_field("batch", DataType.INT64)  # the build that wrote it (see module doc)
    schema.add_field("source", DataType.VARCHAR, max_length=1024)
    schema.add_field("day", DataType.INT64)
    schema.add_field(
        "text",
        DataType.VARCHAR,
        max_length=VARCHAR_MAX,
        enable_analyzer=True,
        # As tantivy's en_stem locally: lower case, English stems, stopwords kept.
        analyzer_params={
            "tokenizer": "standard",
            "filter": ["lowercase", {"type": "stemmer", "language": "english"}],
        },
    )
    schema.add_field("node", DataType.VARCHAR, max_length=VARCHAR_MAX)
    schema.add_field("dense", DataType.FLOAT_VECTOR, dim=dim)
    schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    schema.add_function(
        Function(
            name="bm25",
            function_type=FunctionType.BM25,
            input_field_names=["text"],
            output_field_names=["sparse"],
        )
    )
    params = c.prepare_index_params()
    params.add_index("dense", index_type=index_type, metric_type="IP")
    params.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25")
    params.add_index("doc_id", index_type="INVERTED")
    params.add_index("batch", index_type="INVERTED")
    c.create_collection(chunks_name, schema=schema, index_params=params, consistency_level="Strong")

    schema = c.create_schema(auto_id=False)
    schema.add_field("doc_id", DataType.VARCHAR, is_primary=True, max_length=128)  # a key
    schema.add_field("record", DataType.VARCHAR, max_length=VARCHAR_MAX)
    schema.add_field("v", DataType.FLOAT_VECTOR, dim=2)
    params = c.prepare_index_params()
    params.add_index("v", index_type="FLAT", metric_type="L2")
    c.create_collection(docs_name, schema=schema, index_params=params, consistency_level="Strong")
