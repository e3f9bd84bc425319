// Loaded into a bridge process with NODE_OPTIONS="--import <this file>" by the fault suite's disk-full
// scenario where a small tmpfs cannot be mounted: it makes the disk under FAULT_ENOSPC_DIR "full" while
// the file FAULT_ENOSPC_FLAG exists. A write there (fs.write of the callback API, which the spool's
// durable writes use; FileHandle writeFile; writev for a message streamed to disk) then stores half its
// data and fails with ENOSPC, the way a write on a full file system ends. Test code only; the bridge
// itself has no such switch.
import fsCallback, { existsSync } from "node:fs";
import fs from "node:fs/promises";
import { syncBuiltinESMExports } from "node:module";

const dir = process.env.FAULT_ENOSPC_DIR;
const flag = process.env.FAULT_ENOSPC_FLAG;
const enospc = (file) => Object.assign(new Error(`ENOSPC: no space left on device, write '${file}'`), { code: "ENOSPC", errno: -28, syscall: "write", path: file });

if (dir && flag) {
  // The callback API (bridge/spool/durable-fs.ts): descriptors opened under `dir` are remembered.
  const fdPath = new Map();
  const realOpenCb = fsCallback.open;
  fsCallback.open = function open(file, ...rest) {
    const cb = rest.pop();
    return realOpenCb.call(this, file, ...rest, (err, fd) => {
      if (!err) fdPath.set(fd, String(file));
      cb(err, fd);
    });
  };
  const realCloseCb = fsCallback.close;
  fsCallback.close = function close(fd, ...rest) {
    fdPath.delete(fd);
    return realCloseCb.call(this, fd, ...rest);
  };
  const realWriteCb = fsCallback.write;
  fsCallback.write = function write(fd, buffer, ...rest) {
    const cb = rest.pop();
    const file = fdPath.get(fd);
    if (file && file.startsWith(`${dir}/`) && existsSync(flag) && typeof buffer !== "string") {
      const offset = typeof rest[0] === "number" ? rest[0] : 0;
      const length = typeof rest[1] === "number" ? rest[1] : buffer.byteLength - offset;
      return realWriteCb.call(this, fd, buffer, offset, Math.floor(length / 2), null, (err) => cb(err ?? enospc(file)));
    }
    return realWriteCb.call(this, fd, buffer, ...rest, cb);
  };

  const pathOf = new WeakMap();
  const realOpen = fs.open;
  fs.open = async function open(file, ...rest) {
    const handle = await realOpen.call(this, file, ...rest);
    pathOf.set(handle, String(file));
    return handle;
  };
  const probe = await realOpen(process.execPath, "r");
  const proto = Object.getPrototypeOf(probe);
  await probe.close();
  const realWriteFile = proto.writeFile;
  proto.writeFile = async function writeFile(data, options) {
    const file = pathOf.get(this);
    if (file && file.startsWith(`${dir}/`) && existsSync(flag)) {
      const bytes = typeof data === "string" ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      await this.write(bytes.subarray(0, Math.floor(bytes.length / 2)));
      throw enospc(file);
    }
    return realWriteFile.call(this, data, options);
  };
  // A large message is written in batches while it arrives (bridge/spool/spool-writer.ts): the same there.
  const realWritev = proto.writev;
  proto.writev = async function writev(buffers, position) {
    const file = pathOf.get(this);
    if (file && file.startsWith(`${dir}/`) && existsSync(flag)) {
      if (buffers.length > 0) await this.write(buffers[0].subarray(0, Math.floor(buffers[0].length / 2)));
      throw enospc(file);
    }
    return realWritev.call(this, buffers, position);
  };
  syncBuiltinESMExports();
}
