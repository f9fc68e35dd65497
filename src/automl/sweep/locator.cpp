#include "automl/sweep/locator.h"

#include <cctype>

#include <yaml-cpp/yaml.h>

#include "automl/job_yaml_util.h"

namespace autodet::sweep {

Locator json_locator(const std::string& file) {
  return [file](const std::string& key) { return Location{file, 0, "", key}; };
}

Locator yaml_locator(const std::string& file, const YAML::Node& root, const std::string& root_key) {
  return [file, root, root_key](const std::string& key) {
    YAML::Node node;
    node.reset(root);  // reset(), not '=': assigning a yaml-cpp node overwrites the node it refers to
    std::size_t i = key.rfind(root_key, 0) == 0 ? root_key.size() : key.size();
    while (i < key.size()) {
      const YAML::Node& here = node;
      YAML::Node next;
      if (key[i] == '[') {
        const std::size_t close = key.find(']', i);
        if (close == std::string::npos || !here.IsSequence()) break;
        const std::size_t index = std::stoul(key.substr(i + 1, close - i - 1));
        if (index >= here.size()) break;
        next.reset(here[index]);
        i = close + 1;
      } else if (key[i] == '.') {
        std::size_t end = i + 1;
        while (end < key.size() && key[end] != '.' && key[end] != '[') ++end;
        if (!here.IsMap()) break;
        const YAML::Node child = here[key.substr(i + 1, end - i - 1)];
        if (!child.IsDefined()) break;
        next.reset(child);
        i = end;
      } else {
        break;
      }
      node.reset(next);
    }
    return job_yaml::at(file, node, key);
  };
}

}  // namespace autodet::sweep
