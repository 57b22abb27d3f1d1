"""Article loading, chunking, embedding and the persistent FAISS index."""
