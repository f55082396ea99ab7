// Facts and decisions are written in the shared vocabulary (CivilDate): clients of the engine see it with the engine.
@_exported import VaultModel
