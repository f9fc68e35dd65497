#pragma once
// Errors raised by the run store. Each names the database (path or URL) and the operation.
#include "core/error.h"

namespace autodet::store {

// The run store could not be opened, read or written (I/O, corruption, a newer schema).
class StoreError : public Error {
 public:
  using Error::Error;
};

// A job or trial that was asked for does not exist.
class NotFoundError : public StoreError {
 public:
  using StoreError::StoreError;
};

// The request conflicts with what is stored: a duplicate job name, an illegal status change.
class ConflictError : public StoreError {
 public:
  using StoreError::StoreError;
};

// The database server cannot be reached now (refused, timed out, connection lost); trying again
// later may work.
class StoreUnavailableError : public StoreError {
 public:
  using StoreError::StoreError;
};

}  // namespace autodet::store
