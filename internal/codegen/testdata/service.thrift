namespace go svc

include "inc.thrift"

const inc.Id Zero = 0
const list<i32> Primes = [2, 3, 5]

typedef inc.Ref Handle

exception NotFound {
  1: inc.Id id,
}

service Store extends inc.Base {
  /** Looks up a ref. */
  Handle get(1: inc.Id id) throws (1: NotFound nf),
  oneway void put(1: Handle h),
}
