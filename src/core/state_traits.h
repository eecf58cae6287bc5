#pragma once
// What StateWriter and StateReader need to know about a type to write it as bytes: the shapes
// they handle themselves (numbers, enums, strings, optionals, pairs, variants, arrays,
// sequences, maps, sets). Any other type is a struct that lists its members in a
// `state_fields(archive, value)` overload found by argument-dependent lookup (the same function
// writes and reads: a StateWriter only reads the members it is given).
#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace tote::state_traits {

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

template <class T>
struct is_pair : std::false_type {};
template <class A, class B>
struct is_pair<std::pair<A, B>> : std::true_type {};

template <class T>
struct is_variant : std::false_type {};
template <class... Ts>
struct is_variant<std::variant<Ts...>> : std::true_type {};

template <class T>
struct is_array : std::false_type {};
template <class T, size_t N>
struct is_array<std::array<T, N>> : std::true_type {};

template <class T>
inline constexpr bool is_number =
    std::is_arithmetic_v<T> || std::is_same_v<T, __int128> || std::is_same_v<T, unsigned __int128>;

// A container written as its size and its elements in iteration order.
template <class T>
concept Container = !std::is_same_v<T, std::string> && requires(const T& c) {
    typename T::value_type;
    c.size();
    c.begin();
    c.end();
};

// A hash map (written in key order).
template <class T>
concept Unordered = Container<T> && requires {
    typename T::hasher;
    typename T::mapped_type;
};

// Keyed containers: read back element by element through the insertion they offer.
template <class T>
concept MapLike = Container<T> && requires {
    typename T::mapped_type;
};
template <class T>
concept SetLike = Container<T> && !MapLike<T> && requires {
    typename T::key_type;
};
// A map without mapped_type that is filled by key (SortedVectorMap).
template <class T>
concept Sequence =
    Container<T> && !MapLike<T> && !SetLike<T> && requires(T & c, typename T::value_type v) {
    c.push_back(std::move(v));
};
template <class T>
concept IndexedPairs = Container<T> && !MapLike<T> && !SetLike<T> && !Sequence<T> &&
                       is_pair<typename T::value_type>::value &&
                       requires(T & c, const typename T::value_type::first_type& k) {
    c[k];
};

}  // namespace tote::state_traits
