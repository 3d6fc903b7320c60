/** (Stub: being written.) */
export {};
